import { exactJsonInteger, exactJsonIntegerOrNull } from '@backups/shared';
import type { Backup, ListedBackup } from '@backups/shared/backups';
import { rfc3339, rfc3339OrNull } from './timestamp.js';

/** The fields of a backup (with its snapshots' ids) that the API shows. */
export type ShownBackup = ListedBackup;

/** A failed backup's remarks say why, then the tenant's own remarks. */
export function publicRemarks(b: Pick<Backup, 'status' | 'remarks' | 'failureReason'>): string | null {
  if (b.status !== 'failed') return b.remarks ?? null;
  const reason = `Failed: ${b.failureReason ?? 'unknown error'}`;
  return b.remarks ? `${reason} | ${b.remarks}` : reason;
}

/**
 * A completed backup is 100 whatever its column says (rows written before the
 * column existed were backfilled, but the answer must not depend on it); any
 * other status shows what was stored, null until its snapshots have started.
 */
export function publicProgress(b: Pick<Backup, 'status' | 'progress'>): number | null {
  return b.status === 'completed' ? 100 : (b.progress ?? null);
}

/**
 * Exactly the documented backup fields, in the documented order; int64s go
 * through exactJsonInteger, so stringifyJson writes them exactly and fast.
 * `progress` came later and is last, so every earlier field keeps its place.
 */
export function serializeBackup(b: ShownBackup) {
  return {
    id: exactJsonInteger(b.id),
    deployment_id: exactJsonInteger(b.deploymentId),
    node_id: exactJsonIntegerOrNull(b.nodeId),
    name: b.name,
    backup_type: b.backupType,
    status: b.status,
    snapshot_ids: b.snapshotIds,
    volume_ids: b.volumeIds,
    size_bytes: exactJsonIntegerOrNull(b.sizeBytes),
    region: b.region,
    remarks: publicRemarks(b),
    started_at: rfc3339OrNull(b.startedAt ?? null),
    completed_at: rfc3339OrNull(b.completedAt ?? null),
    expires_at: rfc3339OrNull(b.expiresAt ?? null),
    created_at: rfc3339(b.createdAt),
    progress: publicProgress(b),
  };
}
