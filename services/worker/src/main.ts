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
const memory = config.WORKER_REPORT_STATS === 'true' ? trackMemory() : undefined;

/** How long closing connections may take once the running steps have had their time. */
const CLOSE_GRACE_MS = 10_000;

let shuttingDown = false;
async function shutdown(signal: string): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  log.info({ signal }, 'shutting down');
  // app.stop() gives running steps SHUTDOWN_TIMEOUT_MS and then closes anyway;
  // this bounds the rest (connections that will not close), so a stuck close
  // never keeps a terminating pod, or a test, waiting. Leases expire either way.
  setTimeout(() => {
    log.error('shutdown did not finish in time; exiting');
    process.exit(1);
  }, config.SHUTDOWN_TIMEOUT_MS + CLOSE_GRACE_MS).unref();
  await app.stop();
  await ops.close();
  if (config.WORKER_REPORT_STATS === 'true') {
    process.stdout.write(
      `${JSON.stringify({ ec2Calls: app.ec2.counter.snapshot(), maxRssBytes: process.resourceUsage().maxRSS * 1024, cpuSeconds: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6, memory: memory?.() })}\n`,
    );
  }
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

/**
 * Benchmark only: `process.memoryUsage()` once started, and the sample with the
 * highest RSS (taken every 100 ms), to tell heap from native memory at the peak.
 */
function trackMemory(): () => { started: NodeJS.MemoryUsage; peak: NodeJS.MemoryUsage } {
  const started = process.memoryUsage();
  let peak = started;
  setInterval(() => {
    const now = process.memoryUsage();
    if (now.rss > peak.rss) peak = now;
  }, 100).unref();
  return () => ({ started, peak });
}
