import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import { idString } from '../ids.js';

// Every job the fleet runs: its queue, its payload schema and its options.
// Payloads carry ids only, never secrets or state: Postgres holds the state,
// so a job is only a signal to go and look. Handlers get their types from here
// and the worker refuses to start unless each job has exactly one handler.

export const QUEUE_NAMES = ['operations', 'deletes', 'maintenance'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

const empty = z.object({}).strict();

const keepHistory: JobsOptions = {
  removeOnComplete: { age: 24 * 3600, count: 5000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10000 },
};

/**
 * Retries after unexpected errors (Postgres or Redis away, a bug): exponential
 * from 1 s, capped at a minute. BullMQ's plain exponential would reach hours by
 * the 15th attempt, and while a job waits for its retry its dedup key folds every
 * new signal for the deployment into it, so the deployment would wait that long
 * after the outage ended. The worker registers this as its `backoffStrategy`.
 */
export const CAPPED_BACKOFF = 'capped-exponential';
export function cappedBackoffMs(attemptsMade: number, type?: string): number {
  if (type !== CAPPED_BACKOFF) throw new Error(`unknown backoff type ${type}`);
  const ceiling = Math.min(60_000, 1000 * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

export interface JobDefinition {
  queue: QueueName;
  payload: z.ZodType;
  options: JobsOptions;
  /** A stable id for deduplicating enqueues of the same work, if the job has one. */
  dedupId?: (payload: never) => string;
}

export const JOB_CATALOGUE = {
  /**
   * Drive a deployment's ordered operations (backup, restore, upgrade) as far as they can go now.
   * One job per deployment (dedup id). A waiting operation puts its job back with
   * moveToDelayed, which keeps the job id and its dedup key, so signals sent meanwhile
   * are folded into it; signals sent while it is active are kept (keepLastIfActive) and
   * become a job when it finally completes. Either way a drive re-reads Postgres and
   * drains every queued operation, so no signal's work is lost. `attempts` only counts
   * unexpected errors: continuations (DelayedError) do not use them up.
   */
  'operation.drive': {
    queue: 'operations',
    payload: z.object({ deploymentId: idString }).strict(),
    options: { ...keepHistory, attempts: 20, backoff: { type: CAPPED_BACKOFF } },
    dedupId: (p: { deploymentId: string }) => `drive-${p.deploymentId}`,
  },
  /** Delete one backup's snapshots; independent of the deployment's ordered operations. */
  'backup.delete': {
    queue: 'deletes',
    payload: z.object({ backupId: idString }).strict(),
    options: { ...keepHistory, attempts: 20, backoff: { type: CAPPED_BACKOFF } },
    dedupId: (p: { backupId: string }) => `delete-${p.backupId}`,
  },
  /**
   * A deployment's backup schedule fired. Nothing else remembers a tick, so its
   * retries outlast a Postgres outage of several minutes (a restart, a failover):
   * five plain exponential attempts gave up after 15 s and the tick was lost.
   */
  'schedule.fire': {
    queue: 'maintenance',
    payload: z.object({ deploymentId: idString }).strict(),
    options: { ...keepHistory, attempts: 20, backoff: { type: CAPPED_BACKOFF } },
  },
  /**
   * A deployment's backup schedule row changed (saved, disabled, deleted): the
   * scheduler makes its BullMQ job scheduler match the row. Only the scheduler
   * writes job schedulers; a lost signal is repaired by its periodic sync.
   */
  'schedule.sync': {
    queue: 'maintenance',
    payload: z.object({ deploymentId: idString }).strict(),
    options: { ...keepHistory, attempts: 5, backoff: { type: 'exponential', delay: 1000 } },
    dedupId: (p: { deploymentId: string }) => `schedule-sync-${p.deploymentId}`,
  },
  /** Re-drive every operation Postgres holds as unfinished. */
  'maintenance.reconcile': { queue: 'maintenance', payload: empty, options: { ...keepHistory, attempts: 1 } },
  /** Delete backups past their expiry. */
  'maintenance.expire': { queue: 'maintenance', payload: empty, options: { ...keepHistory, attempts: 1 } },
  /** Delete replaced volumes past their grace period and orphaned tagged resources. */
  'maintenance.cleanup': { queue: 'maintenance', payload: empty, options: { ...keepHistory, attempts: 1 } },
} as const satisfies Record<string, JobDefinition>;

export type JobName = keyof typeof JOB_CATALOGUE;
export type JobPayload<N extends JobName> = z.infer<(typeof JOB_CATALOGUE)[N]['payload']>;
export const JOB_NAMES = Object.keys(JOB_CATALOGUE) as JobName[];

export function jobsOfQueue(queue: QueueName): JobName[] {
  return JOB_NAMES.filter((name) => JOB_CATALOGUE[name].queue === queue);
}
