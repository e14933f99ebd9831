import { AWS_REQUEST_BUCKETS, type EmulatorConfig } from '@backups/ec2-emulator';

// The fastest any fleet could drain the backups under the emulator's limits,
// from the emulator's own settings: the region's pending-snapshot cap shares
// out the snapshot time, no backup beats its longest snapshot, and every node
// needs one CreateSnapshots token. Real seconds (nominal × time scale).

export interface DrainBound {
  /** Σ snapshot durations / region cap. */
  regionCapS: number;
  /** The longest single snapshot. */
  longestSnapshotS: number;
  /** CreateSnapshots calls / the CreateSnapshots bucket's refill rate. */
  createSnapshotsRateS: number;
  minimumS: number;
  snapshots: number;
  regionCap: number | null;
  createSnapshotsCalls: number;
  refillPerSecond: number | null;
}

export function limitBoundDrain(
  config: EmulatorConfig,
  volumeSizesGiB: readonly number[],
  createSnapshotsCalls: number,
): DrainBound {
  const { timings, limits, timeScale } = config;
  const nominalMs = volumeSizesGiB.map((gib) => timings.snapshotBaseMs + timings.snapshotPerGiBMs * gib);
  const realS = (ms: number) => (ms * timeScale) / 1000;
  const regionCap = limits.pendingSnapshotsPerRegion;
  const bucket = limits.buckets.CreateSnapshots ?? AWS_REQUEST_BUCKETS.CreateSnapshots;
  const refillPerSecond = limits.throttling && bucket ? bucket.refillPerSecond : null;
  const regionCapS = regionCap ? realS(nominalMs.reduce((a, b) => a + b, 0) / regionCap) : 0;
  const longestSnapshotS = realS(Math.max(0, ...nominalMs));
  const createSnapshotsRateS = refillPerSecond ? realS((createSnapshotsCalls / refillPerSecond) * 1000) : 0;
  return {
    regionCapS,
    longestSnapshotS,
    createSnapshotsRateS,
    minimumS: Math.max(regionCapS, longestSnapshotS, createSnapshotsRateS),
    snapshots: volumeSizesGiB.length,
    regionCap,
    createSnapshotsCalls,
    refillPerSecond,
  };
}
