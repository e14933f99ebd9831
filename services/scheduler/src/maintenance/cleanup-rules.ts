import type { SnapshotInfo, Tags, VolumeInfo } from '@backups/shared/ec2';

// Pure rules deciding what the cleanup may delete. Conservative by design:
// anything in doubt is kept ('keep'); an orphan is only a candidate until it
// has stayed orphaned for the safety delay.

export type Verdict = { action: 'keep' } | { action: 'delete-now' } | { action: 'orphan'; reason: string };

export interface References {
  backupStatus: Map<string, string>;
  recordedSnapshots: Set<string>;
  currentVolumes: Set<string>;
  restoreStatus: Map<string, string>;
  activeRestoreVolumes: Set<string>;
}

const BACKUP_TAG = 'backups:backup';
const RESTORE_TAG = 'backups:restore';

export function classifySnapshot(s: SnapshotInfo, refs: References): Verdict {
  if (refs.recordedSnapshots.has(s.snapshotId)) {
    const status = refs.backupStatus.get(s.tags[BACKUP_TAG] ?? '');
    // A recorded snapshot of a failed or deleted backup should have been deleted with it.
    if (status === 'failed' || status === 'deleted') return { action: 'orphan', reason: `backup ${status}` };
    return { action: 'keep' };
  }
  const backupId = s.tags[BACKUP_TAG];
  if (!backupId) return { action: 'orphan', reason: 'no backup tag' };
  const status = refs.backupStatus.get(backupId);
  if (status === undefined) return { action: 'orphan', reason: `backup ${backupId} does not exist` };
  // Still running: a worker may have created it and not recorded it yet; it will adopt it by tag.
  if (status === 'pending' || status === 'in_progress') return { action: 'keep' };
  // Being deleted: the delete job removes it.
  if (status === 'deleting') return { action: 'keep' };
  return { action: 'orphan', reason: `not recorded by ${status} backup ${backupId}` };
}

function replacedAt(tags: Tags, key: string): Date | null {
  const raw = tags[key];
  if (!raw) return null;
  const d = new Date(raw);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function classifyVolume(
  v: VolumeInfo,
  refs: References,
  opts: { now: Date; graceMs: number; tagReplacedAt: string },
): Verdict {
  // Attached or in use by a node: never.
  if (v.state !== 'available' || v.attachments.length > 0) return { action: 'keep' };
  if (refs.currentVolumes.has(v.volumeId)) return { action: 'keep' };
  if (refs.activeRestoreVolumes.has(v.volumeId)) return { action: 'keep' };
  const replaced = replacedAt(v.tags, opts.tagReplacedAt);
  if (replaced) {
    return opts.now.getTime() - replaced.getTime() >= opts.graceMs
      ? { action: 'delete-now' }
      : { action: 'keep' };
  }
  const restoreId = v.tags[RESTORE_TAG];
  if (restoreId) {
    const status = refs.restoreStatus.get(restoreId);
    if (status === 'pending' || status === 'in_progress') return { action: 'keep' };
    return { action: 'orphan', reason: `left by ${status ?? 'unknown'} restore ${restoreId}` };
  }
  return { action: 'orphan', reason: 'tagged as ours, referenced by nothing' };
}
