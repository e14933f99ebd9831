import type { Logger } from '@backups/shared';
import { DeploymentSchema } from '@backups/shared/deployments';
import type { Ec2Regions } from '@backups/shared/ec2';
import {
  checkHandlers,
  defineJobHandler,
  type JobHandler,
  type JobQueues,
  reconcile,
} from '@backups/shared/jobs';
import type { Metrics } from '@backups/shared/observability';
import { findStuckOperations } from '@backups/shared/operations';
import type { EntityManager } from '@mikro-orm/postgresql';
import { crashPointFor } from '../crash.js';
import type { SchedulerConfig } from '../env.js';
import { cleanupRegion } from '../maintenance/cleanup.js';
import { expireBackups } from '../maintenance/expire.js';
import { fireSchedule } from '../schedules/fire-schedule.js';
import { mirrorSchedule } from '../schedules/schedule-jobs.js';
import { syncSchedules } from '../schedules/schedule-sync.js';

export interface MaintenanceDeps {
  config: SchedulerConfig;
  em: () => EntityManager;
  queues: JobQueues;
  ec2: Ec2Regions;
  metrics: Metrics;
  log: Logger;
}

/** The regions where the service has AWS deployments, and so tagged resources to clean up. */
async function awsRegions(em: EntityManager): Promise<string[]> {
  const rows: { region: string }[] = await em
    .createQueryBuilder(DeploymentSchema)
    .select('region', true)
    .where({ cloud: 'aws' })
    .orderBy({ region: 'asc' })
    .execute('all');
  return rows.map((r) => r.region);
}

/**
 * The handlers of every job on the maintenance queue. Thin: parse the payload,
 * fork an EntityManager, call one domain function, send the signals the
 * committed work needs. Refuses to build unless each maintenance job of the
 * catalogue has exactly one handler.
 */
export function maintenanceHandlers(deps: MaintenanceDeps): JobHandler[] {
  const { config, em, queues, ec2, metrics, log } = deps;
  const crashPoint = crashPointFor(config.SCHEDULER_CRASH_AT);
  const handlers: JobHandler[] = [
    defineJobHandler('schedule.fire', async ({ deploymentId }, job) => {
      // The tick's due time names the backup; the job id (unique per tick) makes a retry find it.
      const dueAt = new Date(job.timestamp + (job.opts.delay ?? 0));
      const outcome = await fireSchedule(em(), BigInt(deploymentId), `schedule:${job.id}`, dueAt);
      // Committed before any signal: a signal lost to a crash is re-sent by the reconciler.
      if (outcome.kind === 'created') {
        crashPoint('fire:after-create');
        for (const id of outcome.rotated) await queues.enqueue('backup.delete', { backupId: id.toString() });
        crashPoint('fire:after-rotation-signals');
      }
      // A retried tick (its first run died after committing) signals again rather
      // than leave its backup to the reconciler's next sweep; the drive is deduplicated.
      if (outcome.kind === 'created' || outcome.kind === 'already-fired') {
        await queues.enqueue('operation.drive', { deploymentId });
        crashPoint('fire:after-signals');
      }
      log.info(
        {
          deploymentId,
          jobId: job.id,
          outcome: outcome.kind,
          ...('reason' in outcome ? { reason: outcome.reason } : {}),
        },
        'schedule fired',
      );
    }),
    defineJobHandler('schedule.sync', async ({ deploymentId }, job) => {
      const result = await mirrorSchedule(em(), queues.queue('maintenance'), BigInt(deploymentId));
      log.info({ deploymentId, jobId: job.id, result }, 'schedule mirrored');
    }),
    defineJobHandler('maintenance.reconcile', async () => {
      const repaired = await reconcile({ em: em(), queues });
      metrics.reconcilerRepairs.inc({ kind: 'operation' }, repaired.drives);
      metrics.reconcilerRepairs.inc({ kind: 'delete' }, repaired.deletes);
      const synced = await syncSchedules(em(), queues.queue('maintenance'));
      metrics.reconcilerRepairs.inc({ kind: 'schedule' }, synced.upserted + synced.removed);
      const stuck = await findStuckOperations(em(), config.STUCK_OPERATION_MINUTES * 60_000);
      metrics.stuckOperations.set(stuck.length);
      for (const op of stuck)
        log.warn({ operation: op }, 'operation unfinished beyond the bound; look at it');
    }),
    defineJobHandler('maintenance.expire', async () => {
      const expired = await expireBackups(em(), queues, new Date(), crashPoint);
      if (expired.length) log.info({ backups: expired }, 'expired backups queued for deletion');
    }),
    defineJobHandler('maintenance.cleanup', async () => {
      for (const region of await awsRegions(em())) {
        const result = await cleanupRegion(em(), ec2.forRegion(region), {
          graceMs: config.REPLACED_VOLUME_GRACE_HOURS * 3600_000,
          safetyDelayMs: config.ORPHAN_SAFETY_DELAY_MINUTES * 60_000,
          crashPoint,
        });
        log.info({ region, ...result }, 'cleanup done');
      }
    }),
  ];
  const problems = checkHandlers(handlers, ['maintenance']);
  if (problems.length)
    throw new Error(`maintenance handlers out of step with the catalogue: ${problems.join('; ')}`);
  return handlers;
}
