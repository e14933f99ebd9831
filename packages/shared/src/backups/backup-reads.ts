import { LockMode, raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { BackupType } from '../domain/enums.js';
import { ACTIVE_RESTORE_STATUSES } from '../restores/restore-statuses.js';
import { type Backup, BackupSchema } from './backup.entity.js';
import { type BackupSnapshot, BackupSnapshotSchema } from './backup-snapshot.entity.js';
import {
  type BackupStatus,
  LIMITED_BACKUP_STATUSES,
  ROTATABLE_BACKUP_STATUSES,
  VISIBLE_BACKUP_STATUSES,
} from './backup-statuses.js';

// Reads of backups. They bypass the identity map: callers decide on what the
// row says now, and an entity loaded earlier in the same EntityManager would be
// stale after a guarded update (native updates do not refresh it).
const FRESH = { disableIdentityMap: true } as const;

export function findBackup(em: EntityManager, backupId: bigint): Promise<Backup | null> {
  return em.findOne(BackupSchema, { id: backupId }, FRESH);
}

/** A backup of this deployment, row-locked for the rest of the caller's transaction; null if absent. */
export function lockBackup(
  em: EntityManager,
  deploymentId: bigint,
  backupId: bigint,
): Promise<Backup | null> {
  return em.findOne(
    BackupSchema,
    { id: backupId, deploymentId },
    { ...FRESH, lockMode: LockMode.PESSIMISTIC_WRITE },
  );
}

/** Backups that count against the plan limit. */
export function countLimitedBackups(em: EntityManager, deploymentId: bigint): Promise<number> {
  return em.count(BackupSchema, { deploymentId, status: { $in: [...LIMITED_BACKUP_STATUSES] } });
}

/** Backups of one type that count against the plan limit (a schedule's keep count, an upgrade's). */
export function countLimitedBackupsOfType(
  em: EntityManager,
  deploymentId: bigint,
  backupType: BackupType,
): Promise<number> {
  return em.count(BackupSchema, { deploymentId, backupType, status: { $in: [...LIMITED_BACKUP_STATUSES] } });
}

/** The backup a create with this idempotency key already made on this deployment, if any. */
export async function findBackupByIdempotencyKey(
  em: EntityManager,
  deploymentId: bigint,
  idempotencyKey: string,
): Promise<bigint | null> {
  const found = await em.findOne(BackupSchema, { deploymentId, idempotencyKey }, FRESH);
  return found?.id ?? null;
}

/** The oldest rotatable backup of a type that no active restore is reading from. */
export async function oldestRotatable(
  em: EntityManager,
  deploymentId: bigint,
  backupType: BackupType,
): Promise<bigint | null> {
  const [found] = await em
    .createQueryBuilder(BackupSchema, 'b')
    .select('id')
    .where({ deploymentId, backupType, status: { $in: [...ROTATABLE_BACKUP_STATUSES] } })
    .andWhere(notReadByActiveRestore())
    .orderBy({ createdAt: 'asc', id: 'asc' })
    .limit(1)
    .execute('all');
  return found ? BigInt(found.id) : null;
}

/** For a query builder aliased `b`: no pending or running restore reads this backup. */
export function notReadByActiveRestore() {
  return raw('not exists (select 1 from restores r where r.backup_id = b.id and r.status in (?))', [
    [...ACTIVE_RESTORE_STATUSES],
  ]);
}

/** The ids of backups waiting for their snapshots to be deleted (the reconciler re-signals them). */
export async function deletingBackupIds(em: EntityManager): Promise<bigint[]> {
  const rows = await em.find(BackupSchema, { status: 'deleting' }, { ...FRESH, fields: ['id'] });
  return rows.map((r) => r.id);
}

/**
 * A backup as the public API shows it: the row with its snapshots' EC2 ids and
 * source volume ids in plan order (empty until the worker plans the snapshots).
 */
export type BackupWithSnapshots = Backup & { snapshotIds: string[]; volumeIds: string[] };

async function withSnapshots(em: EntityManager, backups: Backup[]): Promise<BackupWithSnapshots[]> {
  if (backups.length === 0) return [];
  const snapshots = await em.find(
    BackupSnapshotSchema,
    { backupId: { $in: backups.map((b) => b.id) } },
    { ...FRESH, orderBy: { id: 'asc' } },
  );
  return backups.map((b) => {
    const own = snapshots.filter((s) => s.backupId === b.id);
    return {
      ...b,
      snapshotIds: own.flatMap((s) => (s.snapshotId == null ? [] : [s.snapshotId])),
      volumeIds: own.map((s) => s.volumeId),
    };
  });
}

export async function getVisibleBackup(
  em: EntityManager,
  deploymentId: bigint,
  backupId: bigint,
): Promise<BackupWithSnapshots | null> {
  const backup = await em.findOne(
    BackupSchema,
    { id: backupId, deploymentId, status: { $in: [...VISIBLE_BACKUP_STATUSES] } },
    FRESH,
  );
  if (!backup) return null;
  const [shown] = await withSnapshots(em, [backup]);
  return shown ?? null;
}

/** How many backups there are of each type and status, deleted ones left out (for a gauge). */
export async function countBackupsByTypeAndStatus(
  em: EntityManager,
): Promise<Array<{ backupType: BackupType; status: BackupStatus; count: number }>> {
  const rows = await em
    .createQueryBuilder(BackupSchema)
    // A count per group: em.count has no group by.
    .select(['backupType', 'status', raw('count(*)::int as n')])
    .where({ status: { $in: [...VISIBLE_BACKUP_STATUSES] } })
    .groupBy(['backupType', 'status'])
    .execute<{ backupType: BackupType; status: BackupStatus; n: number }[]>('all');
  return rows.map((r) => ({ backupType: r.backupType, status: r.status, count: Number(r.n) }));
}

/** The fields of a snapshot row that follow its snapshot through EC2. */
export type PlannedSnapshot = Pick<
  BackupSnapshot,
  | 'id'
  | 'nodeId'
  | 'volumeId'
  | 'deviceName'
  | 'volumeSizeGib'
  | 'snapshotId'
  | 'state'
  | 'progress'
  | 'sizeBytes'
  | 'stateMessage'
>;

/** A backup as one step of its operation reads it: the row's state and its snapshot plan. */
export interface BackupWithPlan {
  backup: Pick<Backup, 'id' | 'deploymentId' | 'nodeId' | 'status' | 'failureReason'>;
  /** In plan order, each with its node's EC2 instance (null if the node is gone). */
  snapshots: Array<PlannedSnapshot & { instanceId: string | null }>;
}

/**
 * The backup, its snapshot rows and their nodes' instances in one round trip
 * (the worker reads this at every step of every backup). Raw SQL: two outer
 * joins read without hydrating entities, which is most of what em.find costs
 * here; bigints come back as text.
 */
export async function findBackupWithPlan(
  em: EntityManager,
  backupId: bigint,
): Promise<BackupWithPlan | null> {
  const rows = await em.execute<PlanRow[]>(
    `select b.id::text as id, b.deployment_id::text as deployment_id, b.node_id::text as node_id, b.status,
            b.failure_reason, s.id::text as s_id, s.node_id::text as s_node_id, s.volume_id, s.device_name,
            s.volume_size_gib, s.snapshot_id, s.state, s.progress, s.size_bytes::text as size_bytes,
            s.state_message, n.instance_id
       from backups b
       left join backup_snapshots s on s.backup_id = b.id
       left join nodes n on n.id = s.node_id
      where b.id = ?
      order by s.id`,
    [backupId],
  );
  const first = rows[0];
  if (!first) return null;
  return {
    backup: {
      id: BigInt(first.id),
      deploymentId: BigInt(first.deployment_id),
      nodeId: first.node_id === null ? null : BigInt(first.node_id),
      status: first.status,
      failureReason: first.failure_reason,
    },
    snapshots: plannedSnapshotsOf(rows),
  };
}

/**
 * The snapshot rows of raw plan rows (`s_id`, `s_node_id`, … as
 * findBackupWithPlan selects them); rows without a snapshot (an outer join's
 * empty side) are skipped.
 */
export function plannedSnapshotsOf(rows: readonly PlanSnapshotColumns[]): BackupWithPlan['snapshots'] {
  return rows.flatMap((r) =>
    r.s_id === null || r.s_node_id === null || r.volume_id === null || r.device_name === null
      ? []
      : [
          {
            id: BigInt(r.s_id),
            nodeId: BigInt(r.s_node_id),
            volumeId: r.volume_id,
            deviceName: r.device_name,
            volumeSizeGib: Number(r.volume_size_gib),
            snapshotId: r.snapshot_id,
            state: r.state ?? 'pending',
            progress: Number(r.progress),
            sizeBytes: r.size_bytes === null ? null : BigInt(r.size_bytes),
            stateMessage: r.state_message,
            instanceId: r.instance_id,
          },
        ],
  );
}

interface PlanRow extends PlanSnapshotColumns {
  id: string;
  deployment_id: string;
  node_id: string | null;
  status: BackupStatus;
  failure_reason: string | null;
}

/** A snapshot row's columns as the plan reads select them (bigints as text). */
export interface PlanSnapshotColumns {
  s_id: string | null;
  s_node_id: string | null;
  volume_id: string | null;
  device_name: string | null;
  volume_size_gib: number | null;
  snapshot_id: string | null;
  state: BackupSnapshot['state'] | null;
  progress: number | null;
  size_bytes: string | null;
  state_message: string | null;
  instance_id: string | null;
}
