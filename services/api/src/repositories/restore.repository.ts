import type { RestoreStatus } from '@backups/shared';
import { insertReturningId } from '@backups/shared/backups';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RestoreView } from '../serialize/restore.serializer.js';
import { pgDate, pgDateOrNull } from './pg-values.js';

interface Row {
  id: string;
  deployment_id: string;
  backup_id: string;
  status: RestoreStatus;
  step: string | null;
  error: string | null;
  replaced_volume_ids: string[];
  new_volume_ids: string[];
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
}

const SELECT_VIEW = `
  select id, deployment_id, backup_id, status, step, error, replaced_volume_ids, new_volume_ids,
         created_at, started_at, completed_at
    from restores`;

function toView(row: Row): RestoreView {
  return {
    id: BigInt(row.id),
    deploymentId: BigInt(row.deployment_id),
    backupId: BigInt(row.backup_id),
    status: row.status,
    step: row.step,
    error: row.error,
    replacedVolumeIds: row.replaced_volume_ids,
    newVolumeIds: row.new_volume_ids,
    createdAt: pgDate(row.created_at),
    startedAt: pgDateOrNull(row.started_at),
    completedAt: pgDateOrNull(row.completed_at),
  };
}

/** Newest first. */
export async function listRestores(em: EntityManager, deploymentId: bigint): Promise<RestoreView[]> {
  const rows = await em.execute<Row[]>(
    `${SELECT_VIEW} where deployment_id = ? order by created_at desc, id desc`,
    [deploymentId],
  );
  return rows.map(toView);
}

export async function getRestore(
  em: EntityManager,
  deploymentId: bigint,
  restoreId: bigint,
): Promise<RestoreView | null> {
  const rows = await em.execute<Row[]>(`${SELECT_VIEW} where id = ? and deployment_id = ?`, [
    restoreId,
    deploymentId,
  ]);
  const row = rows[0];
  return row ? toView(row) : null;
}

export async function hasActiveRestore(em: EntityManager, deploymentId: bigint): Promise<boolean> {
  const rows = await em.execute<unknown[]>(
    "select 1 from restores where deployment_id = ? and status in ('pending', 'in_progress') limit 1",
    [deploymentId],
  );
  return rows.length > 0;
}

export async function isBackupBeingRestored(em: EntityManager, backupId: bigint): Promise<boolean> {
  const rows = await em.execute<unknown[]>(
    "select 1 from restores where backup_id = ? and status in ('pending', 'in_progress') limit 1",
    [backupId],
  );
  return rows.length > 0;
}

export async function insertRestore(
  em: EntityManager,
  deploymentId: bigint,
  backupId: bigint,
): Promise<bigint> {
  return insertReturningId(
    em,
    "insert into restores (deployment_id, backup_id, status) values (?, ?, 'pending') returning id",
    [deploymentId, backupId],
  );
}
