import type { BackupSnapshot } from './backup-snapshot.entity.js';

/** What a backup's progress is computed from: each of its snapshot rows. */
export type ProgressRow = Pick<BackupSnapshot, 'volumeSizeGib' | 'progress' | 'state' | 'snapshotId'>;

/**
 * A backup's progress (0–100): the mean of its snapshots' EC2 progress,
 * weighted by volume size, so a large volume moves it more than a small one.
 * null until EC2 has accepted at least one snapshot (there is nothing to
 * report yet); once one has, a row still without a snapshot id counts as 0.
 * A completed snapshot counts 100 whatever progress its row last recorded:
 * it is done. Floored, so a backup nearly done never rounds up to 100.
 */
export function weightedProgress(rows: readonly ProgressRow[]): number | null {
  if (!rows.some((r) => r.snapshotId !== null)) return null;
  let weighted = 0;
  let total = 0;
  for (const r of rows) {
    const weight = Math.max(0, r.volumeSizeGib);
    weighted += weight * rowProgress(r);
    total += weight;
  }
  // Rows always have a positive size (a CHECK); guard the division all the same.
  if (total === 0) return 0;
  return clampPercent(Math.floor(weighted / total));
}

function rowProgress(r: ProgressRow): number {
  if (r.snapshotId === null) return 0;
  if (r.state === 'completed') return 100;
  return clampPercent(r.progress);
}

function clampPercent(n: number): number {
  return Number.isFinite(n) ? Math.min(100, Math.max(0, n)) : 0;
}
