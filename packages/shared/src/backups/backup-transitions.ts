import { type QueryResult, sql } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTransaction, NO_GUARD, type WriteGuard } from '../db/in-transaction.js';
import type { BackupType } from '../domain/enums.js';
import { type Backup, BackupSchema } from './backup.entity.js';
import {
  type BackupWithPlan,
  notReadByActiveRestore,
  type PlanSnapshotColumns,
  plannedSnapshotsOf,
} from './backup-reads.js';
import { DELETABLE_BACKUP_STATUSES, EXPIRABLE_BACKUP_STATUSES } from './backup-statuses.js';
import { markSnapshotsDeleted } from './snapshot-transitions.js';

// Every change of a backup row. Each transition changes the row only from the
// statuses it may leave and says whether it did; the worker runs the ones its
// operation makes inside its fenced transaction. Every timestamp is the
// database's clock (`now()`, one instant per transaction), which the expiry and
// the listings compare against, whichever process wrote the row.

/** The statuses each transition may leave. */
const FROM = {
  start: ['pending'],
  finish: ['in_progress'],
  delete: DELETABLE_BACKUP_STATUSES,
  deleted: ['deleting'],
} as const;

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

/** `now()` and `now() + days`, as values MikroORM writes as SQL. */
const dbNow = () => sql<Date>`now()`;
const dbDaysFromNow = (days: number) => sql<Date>`now() + make_interval(days => ${days})`;

/** Inserts a pending backup; expires_at is counted from the same instant as created_at. */
export async function insertPendingBackup(em: EntityManager, b: NewBackup): Promise<bigint> {
  const { expiresInDays, ...rest } = b;
  const backup = em.create(BackupSchema, {
    ...rest,
    status: 'pending',
    failureReason: null,
    sizeBytes: null,
    startedAt: null,
    completedAt: null,
    expiresAt: null,
    deletedAt: null,
  });
  backup.createdAt = dbNow();
  backup.updatedAt = dbNow();
  if (expiresInDays !== null) backup.expiresAt = dbDaysFromNow(expiresInDays);
  await em.flush();
  return backup.id;
}

export interface MissedRun {
  deploymentId: bigint;
  nodeId: bigint | null;
  name: string;
  region: string;
  reason: string;
  /** The tick's key: a retried tick finds this record instead of writing a second. */
  idempotencyKey: string;
  expiresInDays: number;
}

/**
 * Records a schedule tick that could not make a backup as a failed scheduled
 * backup, so the tenant sees the missed run and why. The caller holds the
 * deployment's row lock and has looked the tick's key up, so the key is free.
 */
export async function insertMissedRun(em: EntityManager, run: MissedRun): Promise<bigint> {
  const { reason, expiresInDays, ...rest } = run;
  const backup = em.create(BackupSchema, {
    ...rest,
    backupType: 'scheduled',
    status: 'failed',
    remarks: null,
    failureReason: reason,
    sizeBytes: null,
    deletedAt: null,
  });
  backup.startedAt = dbNow();
  backup.completedAt = dbNow();
  backup.createdAt = dbNow();
  backup.updatedAt = dbNow();
  backup.expiresAt = dbDaysFromNow(expiresInDays);
  await em.flush();
  return backup.id;
}

/** pending → in_progress. */
export async function markBackupStarted(em: EntityManager, backupId: bigint): Promise<boolean> {
  const changed = await em.nativeUpdate(
    BackupSchema,
    { id: backupId, status: { $in: [...FROM.start] } },
    { status: 'in_progress', startedAt: sql.now(), updatedAt: sql.now() },
  );
  return changed > 0;
}

/**
 * pending → in_progress, and the snapshot plan (repeatable); returns whether it
 * started and the planned count. One statement, so the two are atomic without a
 * transaction and cost one round trip; `guard` (the worker's fence) gates both.
 */
export async function startBackup(
  em: EntityManager,
  backup: Pick<Backup, 'id' | 'deploymentId' | 'nodeId'>,
  guard: WriteGuard = NO_GUARD,
): Promise<{ started: boolean; planned: number }> {
  const { started, planned } = await startBackupWithPlan(em, backup, guard);
  return { started, planned };
}

/**
 * startBackup that also returns the plan rows, as findBackupWithPlan reads them,
 * when this statement wrote the whole plan (`snapshots` null otherwise: rows of
 * an earlier attempt exist, which the statement's snapshot cannot see). The
 * worker goes on to snapshot them without reading the backup again.
 */
export async function startBackupWithPlan(
  em: EntityManager,
  backup: Pick<Backup, 'id' | 'deploymentId' | 'nodeId'>,
  guard: WriteGuard = NO_GUARD,
): Promise<{ started: boolean; planned: number; snapshots: BackupWithPlan['snapshots'] | null }> {
  // Raw SQL: an update, an insert … select and a count in one statement (data-
  // modifying CTEs), which MikroORM cannot write. The count reads the statement's
  // snapshot, which does not see `plan`'s rows, hence the sum; the inserted rows
  // come back through `returning`, joined to their nodes for the instance.
  const rows = await em.execute<(PlanSnapshotColumns & { started: number; planned: number })[]>(
    `with started as (
       update backups set status = 'in_progress', started_at = now(), updated_at = now()
        where id = ? and status in (?) and ${guard.sql}
       returning id
     ), plan as (
       insert into backup_snapshots
         (backup_id, node_id, volume_id, device_name, volume_size_gib, volume_type, iops, throughput, encrypted, kms_key_id)
       select ?, v.node_id, v.volume_id, v.device_name, v.size_gib, v.volume_type, v.iops, v.throughput, v.encrypted, v.kms_key_id
         from volumes v join nodes n on n.id = v.node_id
        where n.deployment_id = ? and (?::bigint is null or n.id = ?::bigint) and ${guard.sql}
       on conflict (backup_id, volume_id) do nothing
       returning id, node_id, volume_id, device_name, volume_size_gib, snapshot_id, state, progress, size_bytes, state_message
     ), counts as (
       select (select count(*) from started)::int as started,
              ((select count(*) from plan) + (select count(*) from backup_snapshots where backup_id = ?))::int as planned
     )
     select c.started, c.planned, p.id::text as s_id, p.node_id::text as s_node_id, p.volume_id, p.device_name,
            p.volume_size_gib, p.snapshot_id, p.state, p.progress, p.size_bytes::text as size_bytes,
            p.state_message, n.instance_id
       from counts c
       left join (plan p join nodes n on n.id = p.node_id) on true
      order by p.id`,
    [
      backup.id,
      [...FROM.start],
      ...guard.params,
      backup.id,
      backup.deploymentId,
      backup.nodeId ?? null,
      backup.nodeId ?? null,
      ...guard.params,
      backup.id,
    ],
  );
  const started = (rows[0]?.started ?? 0) > 0;
  const planned = rows[0]?.planned ?? 0;
  const snapshots = plannedSnapshotsOf(rows);
  return { started, planned, snapshots: snapshots.length === planned ? snapshots : null };
}

/** Why an in-progress backup is failing; the worker then cleans up and fails it. */
export async function recordFailureReason(
  em: EntityManager,
  backupId: bigint,
  reason: string,
): Promise<boolean> {
  const changed = await em.nativeUpdate(
    BackupSchema,
    { id: backupId, status: { $in: [...FROM.finish] } },
    { failureReason: reason.slice(0, 2000), updatedAt: sql.now() },
  );
  return changed > 0;
}

/** in_progress → completed, with the size of its snapshots; its progress is then 100. */
export async function completeBackup(
  em: EntityManager,
  backupId: bigint,
  sizeBytes: bigint,
  guard: WriteGuard = NO_GUARD,
): Promise<boolean> {
  // Raw SQL: once per backup on the worker's hot path, where building the
  // statement with the QueryBuilder cost more CPU than running it.
  const result = await em.execute<QueryResult>(
    `update backups set status = 'completed', completed_at = now(), size_bytes = ?, progress = 100, updated_at = now()
      where id = ? and status in (?) and ${guard.sql}`,
    [sizeBytes.toString(), backupId, [...FROM.finish], ...guard.params],
    'run',
  );
  return result.affectedRows > 0;
}

/** in_progress → failed, once its partial snapshots are deleted from EC2. */
export function failBackup(em: EntityManager, backupId: bigint): Promise<boolean> {
  return inTransaction(em, async (tx) => {
    await markSnapshotsDeleted(tx, backupId);
    const changed = await tx.nativeUpdate(
      BackupSchema,
      { id: backupId, status: { $in: [...FROM.finish] } },
      { status: 'failed', updatedAt: sql.now() },
    );
    return changed > 0;
  });
}

/**
 * completed / failed → deleting (a tenant's delete, a rotation). The caller
 * signals `backup.delete` for the changed ones after its commit.
 */
export async function markBackupsDeleting(em: EntityManager, backupIds: readonly bigint[]): Promise<number> {
  if (backupIds.length === 0) return 0;
  return em.nativeUpdate(
    BackupSchema,
    { id: { $in: [...backupIds] }, status: { $in: [...FROM.delete] } },
    { status: 'deleting', updatedAt: sql.now() },
  );
}

/**
 * Every settled backup past its `expires_at` that no active restore reads →
 * deleting; returns their ids for the caller to signal their deletes.
 */
export async function markExpiredDeleting(em: EntityManager, now: Date): Promise<bigint[]> {
  const rows: Pick<Backup, 'id'>[] = await em
    .createQueryBuilder(BackupSchema, 'b')
    .update({ status: 'deleting', updatedAt: sql.now() })
    .where({ status: { $in: [...EXPIRABLE_BACKUP_STATUSES] }, expiresAt: { $lte: now } })
    .andWhere(notReadByActiveRestore())
    .returning('id')
    .execute('all');
  return rows.map((r) => BigInt(r.id));
}

/** deleting → deleted, its snapshots marked gone: the end of a delete. */
export function markBackupDeleted(em: EntityManager, backupId: bigint): Promise<boolean> {
  return inTransaction(em, async (tx) => {
    await markSnapshotsDeleted(tx, backupId);
    const changed = await tx.nativeUpdate(
      BackupSchema,
      { id: backupId, status: { $in: [...FROM.deleted] } },
      { status: 'deleted', deletedAt: sql.now(), updatedAt: sql.now() },
    );
    return changed > 0;
  });
}
