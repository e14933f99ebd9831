import type { UpgradeStatus } from '@backups/shared';
import { rfc3339, rfc3339OrNull } from './timestamp.js';

export interface UpgradeView {
  id: bigint;
  deploymentId: bigint;
  fromVersion: string;
  targetVersion: string;
  status: UpgradeStatus;
  preUpgradeBackupId: bigint | null;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
}

export function serializeUpgrade(u: UpgradeView) {
  return {
    id: u.id,
    deployment_id: u.deploymentId,
    from_version: u.fromVersion,
    target_version: u.targetVersion,
    status: u.status,
    pre_upgrade_backup_id: u.preUpgradeBackupId,
    error: u.error,
    created_at: rfc3339(u.createdAt),
    started_at: rfc3339OrNull(u.startedAt),
    completed_at: rfc3339OrNull(u.completedAt),
  };
}
