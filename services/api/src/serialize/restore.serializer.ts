import type { RestoreStatus } from '@backups/shared';
import { rfc3339, rfc3339OrNull } from './timestamp.js';

export interface RestoreView {
  id: bigint;
  deploymentId: bigint;
  backupId: bigint;
  status: RestoreStatus;
  step: string | null;
  error: string | null;
  replacedVolumeIds: string[];
  newVolumeIds: string[];
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
}

export function serializeRestore(r: RestoreView) {
  return {
    id: r.id,
    deployment_id: r.deploymentId,
    backup_id: r.backupId,
    status: r.status,
    step: r.step,
    error: r.error,
    replaced_volume_ids: r.replacedVolumeIds,
    new_volume_ids: r.newVolumeIds,
    created_at: rfc3339(r.createdAt),
    started_at: rfc3339OrNull(r.startedAt),
    completed_at: rfc3339OrNull(r.completedAt),
  };
}
