export * from './catalogue.js';
export { JobQueues } from './queues.js';
export { createRedis } from './redis.js';
