import type { BucketSpec } from './token-bucket.js';

/**
 * AWS's published request-token buckets ("Request throttling for the Amazon EC2 API").
 * Actions not listed fall in the generic categories below.
 */
export const AWS_REQUEST_BUCKETS: Readonly<Record<string, BucketSpec>> = {
  CreateSnapshot: { capacity: 100, refillPerSecond: 5 },
  CreateSnapshots: { capacity: 100, refillPerSecond: 5 },
  CreateTags: { capacity: 100, refillPerSecond: 10 },
  CreateVolume: { capacity: 100, refillPerSecond: 5 },
  DeleteSnapshot: { capacity: 100, refillPerSecond: 5 },
  DeleteTags: { capacity: 100, refillPerSecond: 10 },
  DeleteVolume: { capacity: 100, refillPerSecond: 5 },
  RunInstances: { capacity: 5, refillPerSecond: 2 },
  StartInstances: { capacity: 5, refillPerSecond: 2 },
  TerminateInstances: { capacity: 100, refillPerSecond: 5 },
};

/** `Describe*`, `List*`, `Get*`, `Search*` not listed elsewhere. */
export const NON_MUTATING_BUCKET: BucketSpec = { capacity: 100, refillPerSecond: 20 };
/** Every other mutating action (AttachVolume, DetachVolume, StopInstances, ...). */
export const MUTATING_BUCKET: BucketSpec = { capacity: 50, refillPerSecond: 5 };
/**
 * DescribeInstances/DescribeSnapshots/DescribeVolumes called with neither a filter nor
 * pagination draw from a smaller bucket. The emulator counts resource ids as a filter.
 */
export const UNFILTERED_DESCRIBE_BUCKET: BucketSpec = { capacity: 50, refillPerSecond: 10 };
export const UNFILTERED_DESCRIBE_ACTIONS: ReadonlySet<string> = new Set([
  'DescribeInstances',
  'DescribeSnapshots',
  'DescribeVolumes',
]);

/** Resource-token buckets: one token per instance acted on. */
export const AWS_RESOURCE_BUCKETS: Readonly<Record<string, BucketSpec>> = {
  RunInstances: { capacity: 1000, refillPerSecond: 2 },
  StartInstances: { capacity: 1000, refillPerSecond: 2 },
  StopInstances: { capacity: 1000, refillPerSecond: 20 },
  TerminateInstances: { capacity: 1000, refillPerSecond: 20 },
};

export interface Limits {
  /** EBS allows 5 snapshots of one volume in `pending` at once (ConcurrentSnapshotLimitExceeded). */
  pendingSnapshotsPerVolume: number | null;
  /** Nominal spacing between CreateSnapshot(s) of one volume (SnapshotCreationPerVolumeRateExceeded). */
  snapshotIntervalPerVolumeMs: number | null;
  /** Pending snapshots across the region (PendingSnapshotLimitExceeded). */
  pendingSnapshotsPerRegion: number | null;
  /** Per-action token buckets (RequestLimitExceeded). */
  throttling: boolean;
  /** Bucket overrides by action name; `Describe*` etc. keep AWS's categories otherwise. */
  buckets: Record<string, BucketSpec>;
}

export type LimitsInput = false | Partial<Limits>;

export const DEFAULT_LIMITS: Limits = {
  pendingSnapshotsPerVolume: 5,
  snapshotIntervalPerVolumeMs: 15_000,
  pendingSnapshotsPerRegion: 100,
  throttling: true,
  buckets: {},
};

export const NO_LIMITS: Limits = {
  pendingSnapshotsPerVolume: null,
  snapshotIntervalPerVolumeMs: null,
  pendingSnapshotsPerRegion: null,
  throttling: false,
  buckets: {},
};

/**
 * `false` turns every limit off; a partial object overrides `base` field by field. A given
 * `buckets` map replaces the previous overrides (AWS's table stays underneath).
 */
export function resolveLimits(input: LimitsInput | undefined, base: Limits = DEFAULT_LIMITS): Limits {
  if (input === false) return { ...NO_LIMITS, buckets: {} };
  if (input === undefined) return { ...base, buckets: { ...base.buckets } };
  return { ...base, ...input, buckets: { ...(input.buckets ?? base.buckets) } };
}

/** Nominal durations (ms) of the transitions EC2 shows. */
export interface Timings {
  instancePendingMs: number;
  instanceStoppingMs: number;
  volumeCreatingMs: number;
  volumeAttachingMs: number;
  volumeDetachingMs: number;
  /** A snapshot takes `snapshotBaseMs + snapshotPerGiBMs * VolumeSize`. */
  snapshotBaseMs: number;
  snapshotPerGiBMs: number;
}

export const DEFAULT_TIMINGS: Timings = {
  instancePendingMs: 20_000,
  instanceStoppingMs: 30_000,
  volumeCreatingMs: 8_000,
  volumeAttachingMs: 5_000,
  volumeDetachingMs: 5_000,
  snapshotBaseMs: 60_000,
  snapshotPerGiBMs: 6_000,
};
