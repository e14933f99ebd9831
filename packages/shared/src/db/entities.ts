// Every table's entity, each declared once, next to the module that owns the
// table (see CONTRIBUTING, "Where state lives").

import { BackupSchema } from '../backups/backup.entity.js';
import { BackupSnapshotSchema } from '../backups/backup-snapshot.entity.js';
import { CleanupCandidateSchema } from '../cleanup/cleanup-candidate.entity.js';
import { DeploymentSchema } from '../deployments/deployment.entity.js';
import { NodeSchema } from '../deployments/node.entity.js';
import { VolumeSchema } from '../deployments/volume.entity.js';
import { OperationSchema } from '../operations/operation.entity.js';
import { RestoreSchema } from '../restores/restore.entity.js';
import { RestoreVolumeSchema } from '../restores/restore-volume.entity.js';
import { BackupScheduleSchema } from '../schedules/backup-schedule.entity.js';
import { ApiKeySchema } from '../tenants/api-key.entity.js';
import { TenantSchema } from '../tenants/tenant.entity.js';
import { UpgradeSchema } from '../upgrades/upgrade.entity.js';

export type { Backup } from '../backups/backup.entity.js';
export type { BackupSnapshot } from '../backups/backup-snapshot.entity.js';
export type { CleanupCandidate } from '../cleanup/cleanup-candidate.entity.js';
export type { Deployment } from '../deployments/deployment.entity.js';
export type { Node } from '../deployments/node.entity.js';
export type { Volume } from '../deployments/volume.entity.js';
export type { Operation } from '../operations/operation.entity.js';
export type { Restore } from '../restores/restore.entity.js';
export type { RestoreVolume } from '../restores/restore-volume.entity.js';
export type { BackupSchedule } from '../schedules/backup-schedule.entity.js';
export type { ApiKey } from '../tenants/api-key.entity.js';
export type { Tenant } from '../tenants/tenant.entity.js';
export type { Upgrade } from '../upgrades/upgrade.entity.js';
export {
  ApiKeySchema,
  BackupScheduleSchema,
  BackupSchema,
  BackupSnapshotSchema,
  CleanupCandidateSchema,
  DeploymentSchema,
  NodeSchema,
  OperationSchema,
  RestoreSchema,
  RestoreVolumeSchema,
  TenantSchema,
  UpgradeSchema,
  VolumeSchema,
};

export const ENTITIES = [
  TenantSchema,
  ApiKeySchema,
  DeploymentSchema,
  NodeSchema,
  VolumeSchema,
  BackupSchema,
  BackupSnapshotSchema,
  RestoreSchema,
  RestoreVolumeSchema,
  UpgradeSchema,
  BackupScheduleSchema,
  OperationSchema,
  CleanupCandidateSchema,
];
