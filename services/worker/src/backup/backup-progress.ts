import type { BackupSnapshot, BackupStatus, SnapshotState, SnapshotUpdate } from '@backups/shared/backups';
import type { SnapshotInfo } from '@backups/shared/ec2';

// The backup state machine without I/O: which phase comes next, and what a
// batch of DescribeSnapshots answers means for the backup.

/** The fields of a snapshot row the state machine reads. */
export type SnapshotRow = Pick<
  BackupSnapshot,
  | 'id'
  | 'nodeId'
  | 'volumeId'
  | 'deviceName'
  | 'volumeSizeGib'
  | 'snapshotId'
  | 'state'
  | 'progress'
  | 'sizeBytes'
>;

export type BackupPhase =
  | { kind: 'start' }
  | { kind: 'create_snapshots' }
  | { kind: 'poll' }
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
      return { kind: 'poll' };
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

function where(row: SnapshotRow): string {
  return `volume ${row.volumeId} (${row.deviceName} on node ${row.nodeId})`;
}

/**
 * Folds what EC2 says about the snapshots into row updates and a verdict:
 * completed when all are completed (size = sum of full sizes, else volume
 * sizes), failed as soon as one is in error or has vanished, else pending.
 */
export function evaluateSnapshots(
  rowsIn: readonly SnapshotRow[],
  described: ReadonlyMap<string, SnapshotInfo>,
): { updates: SnapshotUpdate[]; verdict: SnapshotVerdict } {
  const updates: SnapshotUpdate[] = [];
  let failure: string | null = null;
  let allCompleted = true;
  let size = 0n;
  for (const row of rowsIn) {
    if (row.snapshotId == null) {
      allCompleted = false;
      continue;
    }
    if (row.state === 'completed') {
      // Answered on an earlier poll; EC2 is not asked again.
      size += row.sizeBytes ?? BigInt(row.volumeSizeGib) * GIB;
      continue;
    }
    const info = described.get(row.snapshotId);
    if (!info) {
      failure ??= `Snapshot ${row.snapshotId} of ${where(row)} disappeared from EC2 before it completed.`;
      allCompleted = false;
      continue;
    }
    const sizeBytes = info.fullSizeBytes ?? BigInt(info.volumeSizeGiB || row.volumeSizeGib) * GIB;
    if (info.state === 'error') {
      const why = info.stateMessage ? `: ${info.stateMessage}` : '';
      failure ??= `Snapshot ${row.snapshotId} of ${where(row)} failed in EC2${why}.`;
      updates.push({
        id: row.id,
        state: 'error',
        progress: info.progress,
        sizeBytes: null,
        stateMessage: info.stateMessage,
      });
      allCompleted = false;
      continue;
    }
    const state: SnapshotState = info.state === 'completed' ? 'completed' : 'pending';
    if (state !== 'completed') allCompleted = false;
    else size += sizeBytes;
    if (state !== row.state || info.progress !== row.progress) {
      updates.push({
        id: row.id,
        state,
        progress: state === 'completed' ? 100 : info.progress,
        sizeBytes: state === 'completed' ? sizeBytes : null,
        stateMessage: info.stateMessage,
      });
    }
  }
  if (failure !== null) {
    return {
      updates,
      verdict: {
        kind: 'failed',
        reason: `${failure} The partial snapshots were deleted; create a new backup to try again.`,
      },
    };
  }
  if (allCompleted) return { updates, verdict: { kind: 'completed', sizeBytes: size } };
  return { updates, verdict: { kind: 'pending' } };
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
