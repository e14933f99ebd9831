import type { BackupStatus, BackupType } from '@backups/shared';
import { rfc3339, rfc3339OrNull } from './timestamp.js';

/** A backup as read from Postgres, with its snapshots' ids gathered. */
export interface BackupView {
  id: bigint;
  deploymentId: bigint;
  nodeId: bigint | null;
  name: string;
  backupType: BackupType;
  status: BackupStatus;
  snapshotIds: string[];
  volumeIds: string[];
  sizeBytes: bigint | null;
  region: string;
  remarks: string | null;
  failureReason: string | null;
  startedAt: Date | null;
  completedAt: Date | null;
  expiresAt: Date | null;
  createdAt: Date;
}

/** A failed backup's remarks say why, then the tenant's own remarks. */
export function publicRemarks(b: Pick<BackupView, 'status' | 'remarks' | 'failureReason'>): string | null {
  if (b.status !== 'failed') return b.remarks;
  const reason = `Failed: ${b.failureReason ?? 'unknown error'}`;
  return b.remarks ? `${reason} | ${b.remarks}` : reason;
}

/** Exactly the documented backup fields, in the documented order; ids stay bigint so stringifyJson writes them exactly. */
export function serializeBackup(b: BackupView) {
  return {
    id: b.id,
    deployment_id: b.deploymentId,
    node_id: b.nodeId,
    name: b.name,
    backup_type: b.backupType,
    status: b.status,
    snapshot_ids: b.snapshotIds,
    volume_ids: b.volumeIds,
    size_bytes: b.sizeBytes,
    region: b.region,
    remarks: publicRemarks(b),
    started_at: rfc3339OrNull(b.startedAt),
    completed_at: rfc3339OrNull(b.completedAt),
    expires_at: rfc3339OrNull(b.expiresAt),
    created_at: rfc3339(b.createdAt),
  };
}
