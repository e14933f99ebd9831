export { createEmptyDatabase, dropDatabase, type TestDatabase, useTestDatabase } from './database.js';
export { newBackup, seedDeployment } from './fixtures.js';
export { parsePrometheus, type Sample, sampleValue, scrape } from './prometheus.js';
export { type TestRedis, useTestRedis } from './redis.js';
export { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
export { databaseUrl, TEST_ADMIN_DATABASE_URL, TEST_REDIS_URL } from './test-env.js';
export { waitFor } from './wait.js';
