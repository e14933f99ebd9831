// A backup's and its snapshots' statuses. The migration's CHECK constraints
// mirror these lists; change both together.

/** `deleted` is internal: the row is kept for audit and never listed. */
export const BACKUP_STATUSES = [
  'pending',
  'in_progress',
  'completed',
  'failed',
  'deleting',
  'deleted',
] as const;
export type BackupStatus = (typeof BACKUP_STATUSES)[number];

/** The statuses the public API shows (`deleted` backups are hidden). */
export const VISIBLE_BACKUP_STATUSES = ['pending', 'in_progress', 'completed', 'failed', 'deleting'] as const;

/** Backups that count against the plan's per-deployment limit (failed, deleting and deleted ones do not). */
export const LIMITED_BACKUP_STATUSES = ['pending', 'in_progress', 'completed'] as const;

export const SNAPSHOT_STATES = ['pending', 'completed', 'error', 'deleted'] as const;
export type SnapshotState = (typeof SNAPSHOT_STATES)[number];
