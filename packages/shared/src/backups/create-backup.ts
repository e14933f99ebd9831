import type { EntityManager } from '@mikro-orm/postgresql';
import { NodeSchema } from '../deployments/node.entity.js';
import type { BackupType, Cloud, Plan, StorageType } from '../domain/enums.js';
import { insertOperation } from '../operations/enqueue.js';
import { assertBackupsSupported, assertPlanHasBackups, backupLimit, limitReached } from './backup-policy.js';
import {
  countLimitedBackups,
  countLimitedBackupsOfType,
  findBackupByIdempotencyKey,
  oldestRotatable,
} from './backup-reads.js';
import { insertPendingBackup, markBackupsDeleting } from './backup-transitions.js';
import { invalidNode } from './create-within-limit.js';

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

/** Moves the oldest rotatable backup of a type to `deleting`; its id, or null when none can go. */
async function rotateOut(tx: EntityManager, deploymentId: bigint, type: BackupType): Promise<bigint | null> {
  const victim = await oldestRotatable(tx, deploymentId, type);
  if (victim === null) return null;
  return (await markBackupsDeleting(tx, [victim])) > 0 ? victim : null;
}

/**
 * Creates a pending backup and queues it in the deployment's operation order,
 * inside the caller's transaction. Schedules and upgrades create through
 * here; the API's create through create-within-limit.ts, the same rules in
 * the same order without rotation, as one statement. Both use the policy of
 * backup-policy.ts, so the plan rules and the limit are the same for all.
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
    const node = await tx.count(NodeSchema, { id: request.nodeId, deploymentId: deployment.id });
    if (node === 0) throw invalidNode(request.nodeId, deployment.id);
  }

  const rotated: bigint[] = [];
  const limit = backupLimit(deployment.plan, deployment.backupLimitOverride) ?? 0;
  let counted = await countLimitedBackups(tx, deployment.id);
  while (counted >= limit && opts.rotate) {
    const victim = await rotateOut(tx, deployment.id, opts.rotate);
    if (victim === null) break;
    rotated.push(victim);
    counted--;
  }
  if (counted >= limit) throw limitReached(limit, counted, opts.rotate);

  const backupId = await insertPendingBackup(tx, {
    deploymentId: deployment.id,
    region: deployment.region,
    ...request,
  });
  await insertOperation(tx, { deploymentId: deployment.id, kind: 'backup', backupId });

  if (opts.rotate && opts.keep) {
    // Past the count to keep, the oldest completed ones of the type go.
    let excess = (await countLimitedBackupsOfType(tx, deployment.id, opts.rotate)) - opts.keep;
    while (excess > 0) {
      const victim = await rotateOut(tx, deployment.id, opts.rotate);
      if (victim === null) break;
      rotated.push(victim);
      excess--;
    }
  }
  return { backupId, existing: false, rotated };
}
