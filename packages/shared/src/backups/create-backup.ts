import type { EntityManager } from '@mikro-orm/postgresql';
import type { BackupType, Cloud, Plan, StorageType } from '../domain/enums.js';
import { assertBackupsSupported, assertPlanHasBackups, backupLimit, limitReached } from './backup-policy.js';
import {
  countLimitedBackups,
  findBackupByIdempotencyKey,
  insertBackup,
  insertOperation,
  markBackupDeleting,
} from './backup-writes.js';
import { DomainError } from './domain-error.js';

/** The deployment as a create needs it; the caller holds its row lock (`select … for update`). */
export interface LockedDeployment {
  id: bigint;
  region: string;
  cloud: Cloud;
  storageType: StorageType;
  plan: Plan;
  backupLimitOverride: number | null;
}

export interface BackupRequest {
  name: string;
  nodeId: bigint | null;
  backupType: BackupType;
  remarks: string | null;
  expiresInDays: number | null;
  idempotencyKey: string | null;
}

export interface CreateOptions {
  /**
   * When the plan limit is reached, make room by deleting the oldest completed
   * backup of this type (schedules rotate their own backups, upgrades theirs);
   * without it the create fails with backup_limit_reached.
   */
  rotate?: BackupType;
  /** Keep at most this many backups of `rotate`'s type, the new one included. */
  keep?: number | null;
}

export interface CreatedBackup {
  backupId: bigint;
  /** True when the idempotency key matched a backup made before. */
  existing: boolean;
  /** Backups moved to `deleting` to make room; the caller signals their deletes after commit. */
  rotated: bigint[];
}

/** The oldest completed backup of a type that no active restore is reading from. */
async function oldestRotatable(tx: EntityManager, deploymentId: bigint, type: BackupType, skip: number) {
  const rows = await tx.execute<{ id: string }[]>(
    `select b.id from backups b
      where b.deployment_id = ? and b.backup_type = ? and b.status = 'completed'
        and not exists (select 1 from restores r where r.backup_id = b.id and r.status in ('pending', 'in_progress'))
      order by b.created_at, b.id
      offset ? limit 1`,
    [deploymentId, type, skip],
  );
  return rows[0] ? BigInt(rows[0].id) : null;
}

async function countOfType(tx: EntityManager, deploymentId: bigint, type: BackupType): Promise<number> {
  const rows = await tx.execute<{ n: string }[]>(
    `select count(*) as n from backups
      where deployment_id = ? and backup_type = ? and status in ('pending', 'in_progress', 'completed')`,
    [deploymentId, type],
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Creates a pending backup and queues it in the deployment's operation order,
 * inside the caller's transaction. Every path that creates backups (API,
 * schedules, upgrades) goes through here, so the plan rules, the limit and the
 * ordering are the same for all of them.
 */
export async function createBackupLocked(
  tx: EntityManager,
  deployment: LockedDeployment,
  request: BackupRequest,
  opts: CreateOptions = {},
): Promise<CreatedBackup> {
  if (request.idempotencyKey !== null) {
    const existing = await findBackupByIdempotencyKey(tx, deployment.id, request.idempotencyKey);
    if (existing !== null) return { backupId: existing, existing: true, rotated: [] };
  }
  assertPlanHasBackups(deployment.plan);
  assertBackupsSupported(deployment);
  if (request.nodeId !== null) {
    const node = await tx.execute('select 1 from nodes where id = ? and deployment_id = ?', [
      request.nodeId,
      deployment.id,
    ]);
    if (node.length === 0) {
      throw new DomainError(
        'invalid_node',
        `Node ${request.nodeId} is not a node of deployment ${deployment.id}. Omit node_id to back up every node.`,
      );
    }
  }

  const rotated: bigint[] = [];
  const limit = backupLimit(deployment.plan, deployment.backupLimitOverride) ?? 0;
  let counted = await countLimitedBackups(tx, deployment.id);
  while (counted >= limit && opts.rotate) {
    const victim = await oldestRotatable(tx, deployment.id, opts.rotate, 0);
    if (victim === null) break;
    await markBackupDeleting(tx, victim);
    rotated.push(victim);
    counted--;
  }
  if (counted >= limit) throw limitReached(limit, counted, opts.rotate);

  const backupId = await insertBackup(tx, {
    deploymentId: deployment.id,
    region: deployment.region,
    ...request,
  });
  await insertOperation(tx, { deploymentId: deployment.id, kind: 'backup', backupId });

  if (opts.rotate && opts.keep) {
    // Past the count to keep, the oldest completed ones of the type go.
    let excess = (await countOfType(tx, deployment.id, opts.rotate)) - opts.keep;
    while (excess > 0) {
      const victim = await oldestRotatable(tx, deployment.id, opts.rotate, 0);
      if (victim === null) break;
      await markBackupDeleting(tx, victim);
      rotated.push(victim);
      excess--;
    }
  }
  return { backupId, existing: false, rotated };
}

/**
 * Locks a deployment's row for the rest of the transaction and returns what a
 * create needs (for the scheduler and upgrades; the API locks through its
 * tenant-scoped lookup). Null when the deployment is gone.
 */
export async function lockDeployment(
  tx: EntityManager,
  deploymentId: bigint,
): Promise<LockedDeployment | null> {
  const rows = await tx.execute<
    {
      id: string;
      region: string;
      cloud: Cloud;
      storage_type: StorageType;
      plan: Plan;
      backup_limit_override: number | null;
    }[]
  >(
    `select d.id::text, d.region, d.cloud, d.storage_type, t.plan, t.backup_limit_override
       from deployments d join tenants t on t.id = d.tenant_id
      where d.id = ? for update of d`,
    [deploymentId],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    id: BigInt(r.id),
    region: r.region,
    cloud: r.cloud,
    storageType: r.storage_type,
    plan: r.plan,
    backupLimitOverride: r.backup_limit_override,
  };
}
