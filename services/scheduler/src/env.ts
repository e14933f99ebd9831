import { awsEnv, databaseEnv, logEnv, redisEnv } from '@backups/shared';
import { z } from 'zod';

const ms = (def: number) => z.coerce.number().int().min(100).default(def);

/**
 * Steps at which a test can make the process SIGKILL itself (crash-safety tests
 * only): each sits where a step's effect is durable (in Postgres or EC2) and the
 * steps after it have not run.
 */
export const CRASH_POINTS = [
  // The tick's backup and operation are committed (older backups rotated to deleting); no signal sent.
  'fire:after-create',
  // The rotated backups' deletes are signalled; the new backup's drive is not.
  'fire:after-rotation-signals',
  // Every signal sent; the tick's job is not yet acknowledged, so it is run again.
  'fire:after-signals',
  // Expired backups moved to deleting; no delete signalled.
  'expire:after-mark',
  // The first expired backup's delete signalled; the rest not.
  'expire:after-first-signal',
  // One replaced volume deleted in EC2; the other ones and every orphan not yet.
  'cleanup:after-replaced-volume-delete',
  // The orphans' first sightings recorded; nothing deleted.
  'cleanup:after-record-orphans',
  // One orphan deleted in EC2, its candidate row not forgotten; the other orphans not deleted.
  'cleanup:after-orphan-delete',
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

export const schedulerEnv = z.object({
  ...databaseEnv,
  ...redisEnv,
  ...logEnv,
  ...awsEnv,
  /**
   * How often every unfinished operation in Postgres is re-driven (Redis may have lost its signal)
   * and Redis's backup-schedule job schedulers are brought in line with Postgres's schedules.
   */
  RECONCILE_EVERY_MS: ms(30_000),
  /** How often expired backups are looked for; expiry is promised within a minute. */
  EXPIRE_EVERY_MS: ms(15_000),
  /** How often replaced volumes and orphans are cleaned up. */
  CLEANUP_EVERY_MS: ms(300_000),
  /** Replaced volumes are kept this long after a restore, then deleted. */
  REPLACED_VOLUME_GRACE_HOURS: z.coerce.number().min(0).default(24),
  /** A tagged resource nothing references must be at least this old before it is deleted as an orphan. */
  ORPHAN_SAFETY_DELAY_MINUTES: z.coerce.number().min(0).default(60),
  /** An operation unfinished for longer than this is reported as stuck. */
  STUCK_OPERATION_MINUTES: z.coerce.number().min(1).default(240),
  /** Concurrency of the maintenance queue's worker in this process. */
  SCHEDULER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  /** /metrics, /healthz and /readyz; 0 picks a free port. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9102),
  /**
   * BullMQ job lock and stalled check: a killed scheduler's active job goes back
   * to wait within their sum, for another process to run it again.
   */
  JOB_LOCK_DURATION_MS: ms(30_000),
  JOB_STALLED_INTERVAL_MS: ms(30_000),
  /** SIGTERM: how long the running maintenance jobs get before the process exits anyway. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(20_000),
  /** Test-only: SIGKILL this process when it reaches the named step. */
  SCHEDULER_CRASH_AT: z.enum(CRASH_POINTS).optional(),
});

export type SchedulerConfig = z.infer<typeof schedulerEnv>;
