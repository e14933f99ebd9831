import type { BackupStatus, PlannedSnapshot, SnapshotUpdate } from '@backups/shared/backups';
import type { SnapshotInfo } from '@backups/shared/ec2';

// The backup state machine without I/O: which phase comes next, what a
// DescribeSnapshots answer changes about a snapshot row, and what the rows
// mean for the backup.

/** The fields of a snapshot row the state machine reads. */
export type SnapshotRow = PlannedSnapshot;

export type BackupPhase =
  | { kind: 'start' }
  | { kind: 'create_snapshots' }
  | { kind: 'await_snapshots' }
  | { kind: 'cleanup_failed'; reason: string }
  | { kind: 'finished'; outcome: 'succeeded' | 'failed'; error: string | null };

export function backupPhase(
  backup: { status: BackupStatus; failureReason?: string | null },
  snapshots: readonly SnapshotRow[],
): BackupPhase {
  switch (backup.status) {
    case 'pending':
      return { kind: 'start' };
    case 'in_progress':
      if (backup.failureReason != null) return { kind: 'cleanup_failed', reason: backup.failureReason };
      if (snapshots.some((s) => s.snapshotId == null)) return { kind: 'create_snapshots' };
      return { kind: 'await_snapshots' };
    case 'completed':
      return { kind: 'finished', outcome: 'succeeded', error: null };
    case 'failed':
      return { kind: 'finished', outcome: 'failed', error: backup.failureReason ?? 'backup failed' };
    case 'deleting':
    case 'deleted':
      return { kind: 'finished', outcome: 'failed', error: 'the backup was deleted before it finished' };
  }
}

export type SnapshotVerdict =
  | { kind: 'pending' }
  | { kind: 'completed'; sizeBytes: bigint }
  | { kind: 'failed'; reason: string };

const GIB = 1024n ** 3n;

/** The state message of a snapshot that EC2 no longer knows while we still waited for it. */
export const VANISHED = 'disappeared from EC2 before it completed';

function where(row: Pick<SnapshotRow, 'volumeId' | 'deviceName' | 'nodeId'>): string {
  return `volume ${row.volumeId} (${row.deviceName} on node ${row.nodeId})`;
}

/**
 * What one DescribeSnapshots answer (or its silence: the snapshot is gone)
 * changes about a pending snapshot row; null when nothing changed.
 */
export function snapshotUpdate(
  row: Pick<SnapshotRow, 'id' | 'volumeSizeGib' | 'state' | 'progress'>,
  info: SnapshotInfo | undefined,
): SnapshotUpdate | null {
  if (!info)
    return { id: row.id, state: 'error', progress: row.progress, sizeBytes: null, stateMessage: VANISHED };
  if (info.state === 'error')
    return {
      id: row.id,
      state: 'error',
      progress: info.progress,
      sizeBytes: null,
      stateMessage: info.stateMessage,
    };
  if (info.state === 'completed') {
    const sizeBytes = info.fullSizeBytes ?? BigInt(info.volumeSizeGiB || row.volumeSizeGib) * GIB;
    return { id: row.id, state: 'completed', progress: 100, sizeBytes, stateMessage: null };
  }
  if (info.progress === row.progress && row.state === 'pending') return null;
  return { id: row.id, state: 'pending', progress: info.progress, sizeBytes: null, stateMessage: null };
}

/**
 * What the backup's snapshot rows (kept current by the region's poller) mean
 * for it: completed when all are completed (size = sum of full sizes, else
 * volume sizes), failed as soon as one is in error, else pending.
 */
export function snapshotVerdict(rows: readonly SnapshotRow[]): SnapshotVerdict {
  let size = 0n;
  let allCompleted = true;
  for (const row of rows) {
    if (row.state === 'error') {
      const what =
        row.stateMessage === VANISHED
          ? VANISHED
          : `failed in EC2${row.stateMessage ? `: ${row.stateMessage}` : ''}`;
      return {
        kind: 'failed',
        reason: `Snapshot ${row.snapshotId} of ${where(row)} ${what}. The partial snapshots were deleted; create a new backup to try again.`,
      };
    }
    if (row.state === 'completed') size += row.sizeBytes ?? BigInt(row.volumeSizeGib) * GIB;
    else allCompleted = false;
  }
  return allCompleted ? { kind: 'completed', sizeBytes: size } : { kind: 'pending' };
}

/**
 * What CreateSnapshots must leave out on one instance: its data volumes the backup
 * does not cover, plus the covered ones that already have a snapshot (adopted
 * after a crash). `missing` are covered volumes no longer attached there.
 */
export function snapshotExclusions(
  attachedDataVolumeIds: readonly string[],
  covered: readonly { volumeId: string; snapshotId?: string | null }[],
): { exclude: string[]; missing: string[]; toCreate: string[] } {
  const attached = new Set(attachedDataVolumeIds);
  const toCreate = covered.filter((c) => c.snapshotId == null).map((c) => c.volumeId);
  const want = new Set(toCreate);
  return {
    exclude: attachedDataVolumeIds.filter((v) => !want.has(v)),
    missing: toCreate.filter((v) => !attached.has(v)),
    toCreate,
  };
}
