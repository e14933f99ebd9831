import type { EntityManager } from '@mikro-orm/postgresql';
import type { BackupType } from '../domain/enums.js';

// The writes every path that creates work shares (API requests, schedule ticks,
// upgrades), so a backup is created the same way whoever asks for it.

/** Runs an `insert … returning id` and gives the new id as bigint. */
export async function insertReturningId(em: EntityManager, sql: string, params: unknown[]): Promise<bigint> {
  const rows = await em.execute<Array<{ id: string }>>(sql, params);
  const id = rows[0]?.id;
  if (id === undefined) throw new Error(`insert returned no id: ${sql.slice(0, 60)}`);
  return BigInt(id);
}

/** Backups that count against the plan limit (pending + in_progress + completed). */
export async function countLimitedBackups(em: EntityManager, deploymentId: bigint): Promise<number> {
  const rows = await em.execute<{ n: string }[]>(
    `select count(*) as n from backups
      where deployment_id = ? and status in ('pending', 'in_progress', 'completed')`,
    [deploymentId],
  );
  return Number(rows[0]?.n ?? 0);
}

export interface NewBackup {
  deploymentId: bigint;
  nodeId: bigint | null;
  name: string;
  backupType: BackupType;
  region: string;
  remarks: string | null;
  expiresInDays: number | null;
  /** Makes a retried create find the backup it already made (unique per deployment). */
  idempotencyKey: string | null;
}

/** Inserts a pending backup; expires_at is computed from the same clock as created_at. */
export async function insertBackup(em: EntityManager, b: NewBackup): Promise<bigint> {
  return insertReturningId(
    em,
    `insert into backups (deployment_id, node_id, name, backup_type, status, region, remarks, idempotency_key, expires_at, created_at)
     values (?, ?, ?, ?, 'pending', ?, ?, ?, case when ?::int is null then null else now() + make_interval(days => ?::int) end, now())
     returning id`,
    [
      b.deploymentId,
      b.nodeId,
      b.name,
      b.backupType,
      b.region,
      b.remarks,
      b.idempotencyKey,
      b.expiresInDays,
      b.expiresInDays,
    ],
  );
}

/** The backup a create with this idempotency key already made on this deployment, if any. */
export async function findBackupByIdempotencyKey(
  em: EntityManager,
  deploymentId: bigint,
  key: string,
): Promise<bigint | null> {
  const rows = await em.execute<Array<{ id: string }>>(
    'select id from backups where deployment_id = ? and idempotency_key = ?',
    [deploymentId, key],
  );
  const id = rows[0]?.id;
  return id === undefined ? null : BigInt(id);
}

export async function markBackupDeleting(em: EntityManager, backupId: bigint): Promise<void> {
  await em.execute("update backups set status = 'deleting', updated_at = now() where id = ?", [backupId]);
}

export type NewOperation = { deploymentId: bigint } & (
  | { kind: 'backup'; backupId: bigint }
  | { kind: 'restore'; restoreId: bigint; backupId: bigint }
  | { kind: 'upgrade'; upgradeId: bigint; backupId: bigint | null }
);

/**
 * Appends to the deployment's ordered operations log (status queued). The id
 * order is the request order the workers drain one at a time.
 */
export async function insertOperation(em: EntityManager, op: NewOperation): Promise<bigint> {
  return insertReturningId(
    em,
    `insert into operations (deployment_id, kind, backup_id, restore_id, upgrade_id, status)
     values (?, ?, ?, ?, ?, 'queued') returning id`,
    [
      op.deploymentId,
      op.kind,
      op.backupId,
      op.kind === 'restore' ? op.restoreId : null,
      op.kind === 'upgrade' ? op.upgradeId : null,
    ],
  );
}
