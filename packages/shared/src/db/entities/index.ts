export * from './api-key.entity.js';
export * from './backup.entity.js';
export * from './backup-schedule.entity.js';
export * from './backup-snapshot.entity.js';
export * from './deployment.entity.js';
export * from './node.entity.js';
export * from './operation.entity.js';
export * from './restore.entity.js';
export * from './restore-volume.entity.js';
export * from './tenant.entity.js';
export * from './upgrade.entity.js';
export * from './volume.entity.js';

import { ApiKeySchema } from './api-key.entity.js';
import { BackupSchema } from './backup.entity.js';
import { BackupScheduleSchema } from './backup-schedule.entity.js';
import { BackupSnapshotSchema } from './backup-snapshot.entity.js';
import { DeploymentSchema } from './deployment.entity.js';
import { NodeSchema } from './node.entity.js';
import { OperationSchema } from './operation.entity.js';
import { RestoreSchema } from './restore.entity.js';
import { RestoreVolumeSchema } from './restore-volume.entity.js';
import { TenantSchema } from './tenant.entity.js';
import { UpgradeSchema } from './upgrade.entity.js';
import { VolumeSchema } from './volume.entity.js';

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
];
