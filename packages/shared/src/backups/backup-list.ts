import { type PreparedRunner, preparedStatement, runPrepared } from '../db/prepared.js';
import type { BackupWithSnapshots } from './backup-reads.js';
import { VISIBLE_BACKUP_STATUSES } from './backup-statuses.js';

/** The fields of a listed backup: what the public API shows of it. */
export type ListedBackup = Pick<
  BackupWithSnapshots,
  | 'id'
  | 'deploymentId'
  | 'nodeId'
  | 'name'
  | 'backupType'
  | 'status'
  | 'snapshotIds'
  | 'volumeIds'
  | 'sizeBytes'
  | 'region'
  | 'remarks'
  | 'failureReason'
  | 'startedAt'
  | 'completedAt'
  | 'expiresAt'
  | 'createdAt'
  | 'progress'
>;

const epochMs = (column: string) => `(extract(epoch from ${column}) * 1000)::float8`;

const LIST = preparedStatement(
  'backups.list_of_tenant_deployment',
  `select b.id::text as id, b.node_id::text as node_id, b.name, b.backup_type, b.status,
          b.region, b.remarks, b.failure_reason, b.size_bytes::text as size_bytes, b.progress,
          ${epochMs('b.started_at')} as started_at, ${epochMs('b.completed_at')} as completed_at,
          ${epochMs('b.expires_at')} as expires_at, ${epochMs('b.created_at')} as created_at,
          s.snapshot_ids, s.volume_ids
     from deployments d
     left join backups b on b.deployment_id = d.id and b.status = any($1::text[])
     left join lateral (
       select array_agg(x.snapshot_id order by x.id) filter (where x.snapshot_id is not null) as snapshot_ids,
              array_agg(x.volume_id order by x.id) as volume_ids
         from backup_snapshots x
        where x.backup_id = b.id
     ) s on true
    where d.id = $2 and d.tenant_id = $3
    order by b.created_at desc, b.id desc`,
);

/**
 * The visible backups of a tenant's deployment, newest first, with their
 * snapshots' ids in plan order; null when the tenant has no such deployment
 * (absent and another tenant's look the same).
 *
 * One round trip, because consoles poll this: the tenant check, the backups
 * and their snapshots come from one prepared statement (the deployment row is
 * the outer side, so an empty list still proves the deployment exists), and no
 * entity is hydrated. Bigints come back as text, timestamps as epoch
 * milliseconds, so nothing depends on the driver's type parsers.
 */
export async function listTenantDeploymentBackups(
  db: PreparedRunner,
  tenantId: bigint,
  deploymentId: bigint,
): Promise<ListedBackup[] | null> {
  const rows = await runPrepared<ListRow>(db, LIST, [VISIBLE_BACKUP_STATUSES, deploymentId, tenantId]);
  if (rows.length === 0) return null;
  return rows.flatMap((r) => (r.id === null ? [] : [listedBackup(r.id, r, deploymentId)]));
}

const dateOrNull = (ms: number | null) => (ms === null ? null : new Date(ms));

function listedBackup(id: string, r: ListRow, deploymentId: bigint): ListedBackup {
  return {
    id: BigInt(id),
    deploymentId,
    nodeId: r.node_id === null ? null : BigInt(r.node_id),
    name: r.name,
    backupType: r.backup_type,
    status: r.status,
    snapshotIds: r.snapshot_ids ?? [],
    volumeIds: r.volume_ids ?? [],
    sizeBytes: r.size_bytes === null ? null : BigInt(r.size_bytes),
    region: r.region,
    remarks: r.remarks,
    failureReason: r.failure_reason,
    progress: r.progress,
    startedAt: dateOrNull(r.started_at),
    completedAt: dateOrNull(r.completed_at),
    expiresAt: dateOrNull(r.expires_at),
    createdAt: new Date(r.created_at),
  };
}

/** A row of the list query; the backup's columns are null when the deployment has none. */
interface ListRow {
  id: string | null;
  node_id: string | null;
  name: string;
  backup_type: ListedBackup['backupType'];
  status: ListedBackup['status'];
  region: string;
  remarks: string | null;
  failure_reason: string | null;
  size_bytes: string | null;
  progress: number | null;
  started_at: number | null;
  completed_at: number | null;
  expires_at: number | null;
  created_at: number;
  snapshot_ids: string[] | null;
  volume_ids: string[] | null;
}
