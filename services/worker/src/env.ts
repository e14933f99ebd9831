import { awsEnv, databaseEnv, loadConfig, logEnv, redisEnv } from '@backups/shared';
import { z } from 'zod';
import { CRASH_POINTS } from './crash.js';

export type { CrashPoint } from './crash.js';

const ms = (def: number, min = 1) => z.coerce.number().int().min(min).default(def);

export const workerEnvSchema = z.object({
  ...databaseEnv,
  ...redisEnv,
  ...logEnv,
  ...awsEnv,
  /** Jobs processed at once per queue by this process; each is a different deployment. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  /** How long an operation lease lasts without a heartbeat; a killed worker's operation is taken over after it. */
  OPERATION_LEASE_MS: ms(60_000, 1_000),
  /**
   * Pause between polls of a running transition: the region's snapshot poller
   * ticks at this pace, and restores' volume and instance waits look again after it.
   */
  POLL_INTERVAL_MS: ms(15_000, 10),
  /**
   * Snapshots the fleet lets be pending at once per region. AWS refuses more than the
   * account's quota with PendingSnapshotLimitExceeded; set this to that quota, or
   * lower to leave room for other tools in the account (README: capacity).
   */
  SNAPSHOT_REGION_CAP: z.coerce.number().int().min(1).default(100),
  /** EBS: pending snapshots allowed per volume. */
  SNAPSHOT_PENDING_PER_VOLUME: z.coerce.number().int().min(1).default(5),
  /** EBS: spacing between two snapshots of one volume (SnapshotCreationPerVolumeRateExceeded). */
  SNAPSHOT_VOLUME_SPACING_MS: ms(15_000, 0),
  /** BullMQ job lock; see the comment in worker-app.ts for how these three were chosen. */
  JOB_LOCK_DURATION_MS: ms(30_000, 1_000),
  JOB_STALLED_INTERVAL_MS: ms(30_000, 500),
  JOB_MAX_STALLED_COUNT: z.coerce.number().int().min(0).max(100).default(2),
  /** SIGTERM: how long the current steps get to finish before the process exits anyway. */
  SHUTDOWN_TIMEOUT_MS: ms(25_000, 100),
  /** Fleet-wide EC2 call budget per region (Redis token bucket), below AWS's refill rates by default. */
  EC2_MUTATING_RATE_PER_SEC: z.coerce.number().positive().default(4),
  EC2_MUTATING_BURST: z.coerce.number().int().min(1).default(20),
  EC2_DESCRIBE_RATE_PER_SEC: z.coerce.number().positive().default(15),
  EC2_DESCRIBE_BURST: z.coerce.number().int().min(1).default(50),
  /** /metrics, /healthz and /readyz of this process; 0 picks a free port (logged at start). */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9101),
  /** Test-only: SIGKILL this process when it reaches the named step. */
  WORKER_CRASH_AT: z.enum(CRASH_POINTS).optional(),
  /** Print EC2 call counts, CPU time and memory figures to stdout on exit (benchmark). */
  WORKER_REPORT_STATS: z.enum(['true', 'false']).default('false'),
});

export type WorkerConfig = z.infer<typeof workerEnvSchema>;

export function loadWorkerConfig(): WorkerConfig {
  return loadConfig('worker', workerEnvSchema);
}
