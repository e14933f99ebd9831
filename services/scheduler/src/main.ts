import { createLogger, loadConfig } from '@backups/shared';
import { checkReadiness, startOpsServer } from '@backups/shared/observability';
import { schedulerEnv } from './env.js';
import { startSchedulerApp } from './scheduler-app.js';

// Wiring only: configuration, the app, the ops endpoints, a bounded shutdown.
const config = loadConfig('scheduler', schedulerEnv);
const log = createLogger({ service: 'scheduler', level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });

const app = await startSchedulerApp(config, log).catch((err: unknown) => {
  log.fatal({ err }, 'scheduler failed to start');
  process.exit(1);
});
const ops = await startOpsServer({
  port: config.METRICS_PORT,
  registry: app.metrics.registry,
  readiness: () => checkReadiness({ em: app.em, redis: app.redis }),
});
log.info({ port: ops.port }, 'metrics and health endpoints listening');

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down: finishing running maintenance jobs');
  const forced = setTimeout(() => {
    log.warn('shutdown timed out; exiting');
    process.exit(1);
  }, config.SHUTDOWN_TIMEOUT_MS);
  forced.unref();
  await ops.close();
  await app.stop();
  log.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
