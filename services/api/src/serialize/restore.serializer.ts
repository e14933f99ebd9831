import type { Restore } from '@backups/shared/restores';
import { rfc3339, rfc3339OrNull } from './timestamp.js';

export function serializeRestore(r: Restore) {
  return {
    id: r.id,
    deployment_id: r.deploymentId,
    backup_id: r.backupId,
    status: r.status,
    step: r.step ?? null,
    error: r.error ?? null,
    replaced_volume_ids: r.replacedVolumeIds,
    new_volume_ids: r.newVolumeIds,
    created_at: rfc3339(r.createdAt),
    started_at: rfc3339OrNull(r.startedAt ?? null),
    completed_at: rfc3339OrNull(r.completedAt ?? null),
  };
}
