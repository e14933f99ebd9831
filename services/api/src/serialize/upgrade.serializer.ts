import type { Upgrade } from '@backups/shared/upgrades';
import { rfc3339, rfc3339OrNull } from './timestamp.js';

export function serializeUpgrade(u: Upgrade) {
  return {
    id: u.id,
    deployment_id: u.deploymentId,
    from_version: u.fromVersion,
    target_version: u.targetVersion,
    status: u.status,
    pre_upgrade_backup_id: u.preUpgradeBackupId ?? null,
    error: u.error ?? null,
    created_at: rfc3339(u.createdAt),
    started_at: rfc3339OrNull(u.startedAt ?? null),
    completed_at: rfc3339OrNull(u.completedAt ?? null),
  };
}
