import { hostname } from 'node:os';
import type { Logger } from '@backups/shared';
import { createOrm, type Orm } from '@backups/shared/db';
import { Ec2CallCounter, Ec2Regions, RedisRateLimiter } from '@backups/shared/ec2';
import {
  cappedBackoffMs,
  createRedis,
  type JobHandler,
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
import { operationHandlers } from './operations/handlers.js';
import type { OperationHandlers } from './operations/operation-context.js';

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
  let stopping = false;
  const driveDeps = {
    orm,
    ec2,
    handlers: operationHandlers(opts.operationHandlers),
    log,
    leaseMs: config.OPERATION_LEASE_MS,
    pollMs: config.POLL_INTERVAL_MS,
    workerId: `${hostname()}:${process.pid}`,
    crashPoint: crashPointFor(config.WORKER_CRASH_AT),
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
  log.info({ queues: WORKER_QUEUES, concurrency: config.WORKER_CONCURRENCY }, 'worker started');

  return {
    ec2,
    metrics,
    readiness: () => checkReadiness({ em: () => orm.em.fork() as EntityManager, redis }),
    async stop() {
      stopping = true;
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
      await redis.quit().catch(() => redis.disconnect());
      if (!opts.orm) await orm.close(true);
      log.info('worker stopped');
    },
  };
}
