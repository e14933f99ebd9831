// The closed sets of the domain. The migration's CHECK constraints mirror these
// lists; change both together. Each table's statuses live with the table's
// owner module and are re-exported here for the HTTP schemas and serializers.

export const PLANS = ['basic', 'pro', 'enterprise'] as const;
export type Plan = (typeof PLANS)[number];

export const PERMISSIONS = ['deployment:read', 'deployment:manage'] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const CLOUDS = ['aws', 'gcp', 'azure'] as const;
export type Cloud = (typeof CLOUDS)[number];

export const STORAGE_TYPES = ['network', 'nvme'] as const;
export type StorageType = (typeof STORAGE_TYPES)[number];

export const BACKUP_TYPES = ['manual', 'scheduled', 'pre_upgrade'] as const;
export type BackupType = (typeof BACKUP_TYPES)[number];

export * from '../backups/backup-statuses.js';
export * from '../deployments/deployment-statuses.js';
export * from '../operations/operation-statuses.js';
export * from '../restores/restore-statuses.js';
export * from '../upgrades/upgrade-statuses.js';
