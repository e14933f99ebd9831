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

/** A backup still being made: it cannot be deleted until it settles. */
export const UNSETTLED_BACKUP_STATUSES = ['pending', 'in_progress'] as const;

/** A backup a tenant may delete and expiry may remove: it has settled one way or the other. */
export const DELETABLE_BACKUP_STATUSES = ['completed', 'failed'] as const;

/** Backups past `expires_at` in these go to `deleting` (an unsettled one waits until it settles). */
export const EXPIRABLE_BACKUP_STATUSES = DELETABLE_BACKUP_STATUSES;

/** Only completed backups are rotated out to make room (schedules, upgrades). */
export const ROTATABLE_BACKUP_STATUSES = ['completed'] as const;

/** Snapshots in this state are gone from EC2 (their backup failed or was deleted). */
export const DELETED_SNAPSHOT_STATE = 'deleted' satisfies SnapshotState;
