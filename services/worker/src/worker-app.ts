import { hostname } from 'node:os';
import type { Logger } from '@backups/shared';
import { createOrm, type Orm } from '@backups/shared/db';
import { Ec2CallCounter, Ec2Regions, RedisRateLimiter } from '@backups/shared/ec2';
import {
  cappedBackoffMs,
  createRedis,
  type JobHandler,
  JobQueues,
  type QueueName,
  startJobWorkers,
} from '@backups/shared/jobs';
import { checkReadiness, createMetrics, type Metrics, type Readiness } from '@backups/shared/observability';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';
import { crashPointFor } from './crash.js';
import type { WorkerConfig } from './env.js';
import { backupDeleteJob } from './jobs/backup-delete.job.js';
import { operationDriveJob } from './jobs/operation-drive.job.js';
import { DeploymentWaker } from './jobs/wake.js';
import { operationHandlers } from './operations/handlers.js';
import type { OperationHandlers } from './operations/operation-context.js';
import { registerSnapshotGauges } from './snapshot-admission/ledger-metrics.js';
import { SnapshotLedger } from './snapshot-admission/snapshot-ledger.js';
import { SnapshotPollers } from './snapshot-poller/snapshot-pollers.js';

/** The queues this service consumes; `maintenance` belongs to the scheduler. */
export const WORKER_QUEUES: readonly QueueName[] = ['operations', 'deletes'];

export interface WorkerApp {
  ec2: Ec2Regions;
  /** This process's Prometheus registry and metrics (served by main.ts on METRICS_PORT). */
  metrics: Metrics;
  /** Postgres and Redis reachable (for /readyz). */
  readiness(): Promise<Readiness>;
  /** Stops taking jobs, lets current steps finish (or hands them back), closes connections. */
  stop(): Promise<void>;
}

export async function startWorkerApp(
  config: WorkerConfig,
  log: Logger,
  opts: { operationHandlers?: OperationHandlers; orm?: Orm } = {},
): Promise<WorkerApp> {
  const orm =
    opts.orm ??
    (await createOrm({ databaseUrl: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX, logger: log }));
  const redis: Redis = createRedis(config.REDIS_URL, 'worker');
  const metrics = createMetrics('worker');
  const ec2 = new Ec2Regions({
    // Throttled calls included: they are the early sign of an exhausted fleet budget.
    counter: new Ec2CallCounter((action, outcome) => metrics.ec2Calls.inc({ action, outcome })),
    endpoint: config.AWS_ENDPOINT_URL_EC2,
    credentials:
      config.AWS_ACCESS_KEY_ID && config.AWS_SECRET_ACCESS_KEY
        ? { accessKeyId: config.AWS_ACCESS_KEY_ID, secretAccessKey: config.AWS_SECRET_ACCESS_KEY }
        : undefined,
    rateLimiter: new RedisRateLimiter(redis, config.QUEUE_PREFIX),
    mutatingLimit: { ratePerSec: config.EC2_MUTATING_RATE_PER_SEC, burst: config.EC2_MUTATING_BURST },
    describeLimit: { ratePerSec: config.EC2_DESCRIBE_RATE_PER_SEC, burst: config.EC2_DESCRIBE_BURST },
  });
  const queues = new JobQueues(redis, config.QUEUE_PREFIX);
  const waker = new DeploymentWaker(redis, queues);
  const wake = (ids: readonly bigint[]) => waker.wake(ids);
  const ledger = new SnapshotLedger(redis, config.QUEUE_PREFIX, {
    regionCap: config.SNAPSHOT_REGION_CAP,
    perVolumeMax: config.SNAPSHOT_PENDING_PER_VOLUME,
    volumeSpacingMs: config.SNAPSHOT_VOLUME_SPACING_MS,
    // A grant nobody uses lapses with the lease of the operation that asked.
    grantMs: config.OPERATION_LEASE_MS,
    // Pollers renew confirmed holds every tick; if none runs for this long, the
    // holds lapse rather than block the region for good.
    holdMs: Math.max(20 * config.POLL_INTERVAL_MS, 10 * 60_000),
    retryMs: config.POLL_INTERVAL_MS,
  });
  const crashPoint = crashPointFor(config.WORKER_CRASH_AT);
  const workerId = `${hostname()}:${process.pid}`;
  let stopping = false;
  const driveDeps = {
    orm,
    ec2,
    handlers: operationHandlers(opts.operationHandlers),
    log,
    leaseMs: config.OPERATION_LEASE_MS,
    pollMs: config.POLL_INTERVAL_MS,
    // A waiting step is woken by the event it waits for; this is only the
    // backstop for a wake-up lost with Redis.
    waitMs: Math.min(Math.max(20 * config.POLL_INTERVAL_MS, 1_000), 5 * 60_000),
    ledger,
    wake,
    waker,
    workerId,
    crashPoint,
    stopping: () => stopping,
    onFinished: (kind: string, outcome: string, seconds: number) =>
      metrics.operationDuration.observe({ kind, outcome }, seconds),
  };
  const handlers: JobHandler[] = [
    operationDriveJob(driveDeps),
    backupDeleteJob({
      orm,
      ec2,
      log,
      crashPoint,
      onFinished: (outcome, seconds) =>
        metrics.operationDuration.observe({ kind: 'delete', outcome }, seconds),
    }),
  ];
  // Crash recovery (kill -9) rests on Postgres, not on BullMQ: a dead worker's
  // operation is taken over when its lease runs out. BullMQ's part is only to
  // hand the dead worker's job (the signal) to someone: its lock expires after
  // lockDuration (renewed every lockDuration/2 while alive, so a long event-loop
  // stall of a live worker is not mistaken for death), and the stalled check every
  // stalledInterval moves it back to wait; recovery takes at most their sum.
  // maxStalledCount 2 keeps a job that repeatedly kills its worker (a poison step)
  // from taking the whole fleet down; the reconciler re-drives it later anyway.
  const workers = await startJobWorkers({
    queues: WORKER_QUEUES,
    handlers,
    redisUrl: config.REDIS_URL,
    prefix: config.QUEUE_PREFIX,
    log,
    options: {
      concurrency: config.WORKER_CONCURRENCY,
      lockDuration: config.JOB_LOCK_DURATION_MS,
      stalledInterval: config.JOB_STALLED_INTERVAL_MS,
      maxStalledCount: config.JOB_MAX_STALLED_COUNT,
      settings: { backoffStrategy: cappedBackoffMs },
    },
  });
  const pollers = new SnapshotPollers({
    orm,
    ec2,
    redis,
    ledger,
    wake,
    log,
    tickMs: config.POLL_INTERVAL_MS,
    workerId,
    crashPoint,
  });
  pollers.start();
  registerSnapshotGauges(metrics.registry, ledger, () => orm.em.fork() as EntityManager);
  log.info({ queues: WORKER_QUEUES, concurrency: config.WORKER_CONCURRENCY }, 'worker started');

  return {
    ec2,
    metrics,
    readiness: () => checkReadiness({ em: () => orm.em.fork() as EntityManager, redis }),
    async stop() {
      stopping = true;
      await pollers.stop();
      const graceful = Promise.all(workers.map((w) => w.close()));
      const timedOut = await Promise.race([
        graceful.then(() => false),
        new Promise<boolean>((resolve) =>
          setTimeout(() => resolve(true), config.SHUTDOWN_TIMEOUT_MS).unref(),
        ),
      ]);
      if (timedOut) {
        // Whatever is still running keeps its lease until expiry; another worker takes over then.
        log.warn('shutdown timeout: closing with jobs still running');
        await Promise.all(workers.map((w) => w.close(true)));
      }
      ec2.destroy();
      await queues.close();
      await redis.quit().catch(() => redis.disconnect());
      if (!opts.orm) await orm.close(true);
      log.info('worker stopped');
    },
  };
}
