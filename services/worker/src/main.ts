import { createLogger } from '@backups/shared';
import { startOpsServer } from '@backups/shared/observability';
import { loadWorkerConfig } from './env.js';
import { startWorkerApp } from './worker-app.js';

const config = loadWorkerConfig();
const log = createLogger({ service: 'worker', level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });

const app = await startWorkerApp(config, log).catch((err: unknown) => {
  log.fatal({ err }, 'worker failed to start');
  process.exit(1);
});
const ops = await startOpsServer({
  port: config.METRICS_PORT,
  registry: app.metrics.registry,
  readiness: () => app.readiness(),
});
log.info({ port: ops.port }, 'metrics and health endpoints listening');

let shuttingDown = false;
async function shutdown(signal: string): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  log.info({ signal }, 'shutting down');
  await app.stop();
  await ops.close();
  if (config.WORKER_REPORT_STATS === 'true') {
    process.stdout.write(
      `${JSON.stringify({ ec2Calls: app.ec2.counter.snapshot(), maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`,
    );
  }
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
