import type { Logger } from '@backups/shared';
import { createOrm, type Orm } from '@backups/shared/db';
import { Ec2Regions } from '@backups/shared/ec2';
import {
  cappedBackoffMs,
  createRedis,
  JOB_CATALOGUE,
  JobQueues,
  startJobWorkers,
} from '@backups/shared/jobs';
import {
  createMetrics,
  type Metrics,
  registerDomainGauges,
  registerQueueGauges,
} from '@backups/shared/observability';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';
import type { SchedulerConfig } from './env.js';
import { maintenanceHandlers } from './jobs/maintenance.jobs.js';
import { syncSchedules } from './schedules/schedule-sync.js';

/** The recurring maintenance jobs: one BullMQ job scheduler each, shared by every scheduler process. */
function maintenanceSchedules(config: SchedulerConfig) {
  return [
    { id: 'maintenance-reconcile', name: 'maintenance.reconcile', every: config.RECONCILE_EVERY_MS },
    { id: 'maintenance-expire', name: 'maintenance.expire', every: config.EXPIRE_EVERY_MS },
    { id: 'maintenance-cleanup', name: 'maintenance.cleanup', every: config.CLEANUP_EVERY_MS },
  ] as const;
}

export interface SchedulerApp {
  orm: Orm;
  redis: Redis;
  queues: JobQueues;
  metrics: Metrics;
  em(): EntityManager;
  stop(): Promise<void>;
}

export async function startSchedulerApp(config: SchedulerConfig, log: Logger): Promise<SchedulerApp> {
  const orm = await createOrm({
    databaseUrl: config.DATABASE_URL,
    poolMax: config.DATABASE_POOL_MAX,
    logger: log,
  });
  const redis = createRedis(config.REDIS_URL, 'worker');
  const queues = new JobQueues(redis, config.QUEUE_PREFIX);
  const metrics = createMetrics('scheduler');
  const em = () => orm.em.fork() as EntityManager;
  registerDomainGauges(metrics.registry, em);
  registerQueueGauges(metrics.registry, () => queues.all());
  const ec2 = new Ec2Regions({
    endpoint: config.AWS_ENDPOINT_URL_EC2,
    credentials:
      config.AWS_ACCESS_KEY_ID && config.AWS_SECRET_ACCESS_KEY
        ? { accessKeyId: config.AWS_ACCESS_KEY_ID, secretAccessKey: config.AWS_SECRET_ACCESS_KEY }
        : undefined,
  });

  const handlers = maintenanceHandlers({ config, em, queues, ec2, metrics, log });
  const maintenance = queues.queue('maintenance');

  // Upserting the same scheduler ids from every scheduler process converges on
  // one scheduler per job, so several processes never double-fire. They are
  // re-ensured on a timer of this process's own (not a Redis job), so they come
  // back by themselves after Redis loses its data.
  const ensureMaintenance = async () => {
    for (const s of maintenanceSchedules(config)) {
      const current = await maintenance.getJobScheduler(s.id);
      if (current?.every === s.every) continue;
      await maintenance.upsertJobScheduler(
        s.id,
        { every: s.every },
        { name: s.name, data: {}, opts: JOB_CATALOGUE[s.name].options },
      );
    }
  };
  await ensureMaintenance();
  const ensureTimer = setInterval(() => {
    ensureMaintenance().catch((err: unknown) =>
      log.warn({ err: { message: (err as Error).message } }, 'could not ensure maintenance schedulers'),
    );
  }, config.RECONCILE_EVERY_MS);
  const synced = await syncSchedules(em(), maintenance);
  log.info(synced, 'backup schedules mirrored from Postgres');

  const workers = await startJobWorkers({
    queues: ['maintenance'],
    handlers,
    redisUrl: config.REDIS_URL,
    prefix: config.QUEUE_PREFIX,
    log,
    options: {
      concurrency: config.SCHEDULER_CONCURRENCY,
      lockDuration: config.JOB_LOCK_DURATION_MS,
      stalledInterval: config.JOB_STALLED_INTERVAL_MS,
      // schedule.fire retries on the catalogue's capped backoff.
      settings: { backoffStrategy: cappedBackoffMs },
    },
  });
  log.info({ concurrency: config.SCHEDULER_CONCURRENCY }, 'scheduler started');

  return {
    orm,
    redis,
    queues,
    metrics,
    em,
    async stop() {
      clearInterval(ensureTimer);
      await Promise.all(workers.map((w) => w.close()));
      await queues.close();
      ec2.destroy();
      await redis.quit().catch(() => redis.disconnect());
      await orm.close(true);
    },
  };
}
