import { createLogger, loadConfig } from '@backups/shared';
import { createOrm } from '@backups/shared/db';
import { createRedis, JobQueues } from '@backups/shared/jobs';
import { createMetrics, startOpsServer } from '@backups/shared/observability';
import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { BackupListCache } from './cache/backup-list-cache.js';
import { apiEnvSchema } from './env.js';
import { readiness } from './http/health.route.js';

// Wiring only: configuration, connections, the server, and a bounded shutdown.
const config = loadConfig('api', apiEnvSchema);
const logger = createLogger({ service: 'api', level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });

const orm = await createOrm({ databaseUrl: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX, logger });
const redis = createRedis(config.REDIS_URL, 'producer');
redis.on('error', (err) => logger.warn({ err: { message: err.message } }, 'redis connection error'));
const queues = new JobQueues(redis, config.QUEUE_PREFIX);
const metrics = createMetrics('api');
const listCache =
  config.BACKUP_LIST_CACHE_ENTRIES > 0
    ? new BackupListCache({
        databaseUrl: config.DATABASE_URL,
        redis,
        redisPrefix: config.QUEUE_PREFIX,
        logger,
        maxEntries: config.BACKUP_LIST_CACHE_ENTRIES,
      })
    : undefined;
// Postgres or Redis away at start-up: the cache stays off and keeps reconnecting; lists are read directly.
await listCache?.start();

const app = createApp({
  orm,
  redis,
  queues,
  logger,
  metrics,
  listCache,
  bullBoard: {
    operator:
      config.OPERATOR_USER && config.OPERATOR_PASSWORD
        ? { user: config.OPERATOR_USER, password: config.OPERATOR_PASSWORD }
        : null,
    readOnly: config.BULL_BOARD_READ_ONLY,
  },
  settings: {
    rateLimitRequests: config.RATE_LIMIT_REQUESTS,
    rateLimitWindowSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
    authCacheTtlMs: config.AUTH_CACHE_TTL_MS,
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
    redisPrefix: config.QUEUE_PREFIX,
    authFailureLimit: config.AUTH_FAILURE_LIMIT,
    authFailureWindowSeconds: config.AUTH_FAILURE_WINDOW_SECONDS,
    trustProxyHops: config.TRUST_PROXY_HOPS,
  },
});

// The producer connection fails fast instead of queueing commands, so give it a
// moment to connect before taking traffic; if Redis is away the API starts
// anyway and answers 503 until it returns.
if (redis.status !== 'ready') {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 5_000);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
  logger.info(
    { port: info.port, host: config.HOST, bullBoard: config.OPERATOR_USER ? '/admin/queues' : 'off' },
    'api listening; reference at /docs',
  );
});
// Metrics (cross-tenant counts, and a scrape costs Postgres and Redis round trips) and
// probes for operators, on their own port, as the worker and scheduler serve theirs.
const ops = await startOpsServer({
  port: config.METRICS_PORT,
  host: config.HOST,
  registry: metrics.registry,
  readiness: () => readiness({ orm, redis }),
});
logger.info({ metricsPort: ops.port }, 'metrics and health endpoints listening');

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
  const forced = setTimeout(() => {
    logger.warn('shutdown timed out; exiting');
    process.exit(1);
  }, config.SHUTDOWN_TIMEOUT_MS);
  forced.unref();
  // close() stops accepting and resolves once in-flight requests are answered.
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await ops.close();
  await listCache?.close();
  await queues.close().catch(() => undefined);
  await redis.quit().catch(() => redis.disconnect());
  await orm.close(true);
  logger.info('stopped');
  process.exit(0);
}

process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
