// The closed sets of the domain. The migration's CHECK constraints mirror these
// lists; change both together.

export const PLANS = ['basic', 'pro', 'enterprise'] as const;
export type Plan = (typeof PLANS)[number];

export const PERMISSIONS = ['deployment:read', 'deployment:manage'] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const CLOUDS = ['aws', 'gcp', 'azure'] as const;
export type Cloud = (typeof CLOUDS)[number];

export const STORAGE_TYPES = ['network', 'nvme'] as const;
export type StorageType = (typeof STORAGE_TYPES)[number];

export const DEPLOYMENT_STATUSES = [
  'running',
  'stopping',
  'stopped',
  'starting',
  'restoring',
  'upgrading',
] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

export const BACKUP_TYPES = ['manual', 'scheduled', 'pre_upgrade'] as const;
export type BackupType = (typeof BACKUP_TYPES)[number];

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

export const RESTORE_STATUSES = ['pending', 'in_progress', 'completed', 'failed', 'rolled_back'] as const;
export type RestoreStatus = (typeof RESTORE_STATUSES)[number];
export const ACTIVE_RESTORE_STATUSES = ['pending', 'in_progress'] as const;

export const UPGRADE_STATUSES = ['pending', 'in_progress', 'completed', 'failed'] as const;
export type UpgradeStatus = (typeof UPGRADE_STATUSES)[number];

/** Operations that run one at a time, in request order, per deployment. */
export const OPERATION_KINDS = ['backup', 'restore', 'upgrade'] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

export const OPERATION_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];
export const UNFINISHED_OPERATION_STATUSES = ['queued', 'running'] as const;
