import type { BackupStatus, BackupType } from '@backups/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { BackupView } from '../serialize/backup.serializer.js';
import { pgDate, pgDateOrNull } from './pg-values.js';

interface Row {
  id: string;
  deployment_id: string;
  node_id: string | null;
  name: string;
  backup_type: BackupType;
  status: BackupStatus;
  size_bytes: string | null;
  region: string;
  remarks: string | null;
  failure_reason: string | null;
  started_at: string | null;
  completed_at: string | null;
  expires_at: string | null;
  created_at: string;
  snapshot_ids: string[];
  volume_ids: string[];
}

// snapshot_ids / volume_ids come from the per-snapshot child rows the worker
// plans; until then they are empty arrays. `deleted` rows are kept for audit
// and are never shown.
const SELECT_VIEW = `
  select b.id, b.deployment_id, b.node_id, b.name, b.backup_type, b.status, b.size_bytes, b.region,
         b.remarks, b.failure_reason, b.started_at, b.completed_at, b.expires_at, b.created_at,
         coalesce(s.snapshot_ids, '{}') as snapshot_ids, coalesce(s.volume_ids, '{}') as volume_ids
    from backups b
    left join lateral (
      select array_agg(bs.snapshot_id order by bs.id) filter (where bs.snapshot_id is not null) as snapshot_ids,
             array_agg(bs.volume_id order by bs.id) as volume_ids
        from backup_snapshots bs
       where bs.backup_id = b.id
    ) s on true`;

function toView(row: Row): BackupView {
  return {
    id: BigInt(row.id),
    deploymentId: BigInt(row.deployment_id),
    nodeId: row.node_id === null ? null : BigInt(row.node_id),
    name: row.name,
    backupType: row.backup_type,
    status: row.status,
    snapshotIds: row.snapshot_ids,
    volumeIds: row.volume_ids,
    sizeBytes: row.size_bytes === null ? null : BigInt(row.size_bytes),
    region: row.region,
    remarks: row.remarks,
    failureReason: row.failure_reason,
    startedAt: pgDateOrNull(row.started_at),
    completedAt: pgDateOrNull(row.completed_at),
    expiresAt: pgDateOrNull(row.expires_at),
    createdAt: pgDate(row.created_at),
  };
}

/** Newest first. */
export async function listBackups(em: EntityManager, deploymentId: bigint): Promise<BackupView[]> {
  const rows = await em.execute<Row[]>(
    `${SELECT_VIEW} where b.deployment_id = ? and b.status <> 'deleted' order by b.created_at desc, b.id desc`,
    [deploymentId],
  );
  return rows.map(toView);
}

export async function getBackup(
  em: EntityManager,
  deploymentId: bigint,
  backupId: bigint,
): Promise<BackupView | null> {
  const rows = await em.execute<Row[]>(
    `${SELECT_VIEW} where b.id = ? and b.deployment_id = ? and b.status <> 'deleted'`,
    [backupId, deploymentId],
  );
  const row = rows[0];
  return row ? toView(row) : null;
}

/** The status of a backup of this deployment, row-locked for the transaction; null if absent. */
export async function lockBackupStatus(
  em: EntityManager,
  deploymentId: bigint,
  backupId: bigint,
): Promise<BackupStatus | null> {
  const rows = await em.execute<{ status: BackupStatus }[]>(
    'select status from backups where id = ? and deployment_id = ? for update',
    [backupId, deploymentId],
  );
  return rows[0]?.status ?? null;
}
