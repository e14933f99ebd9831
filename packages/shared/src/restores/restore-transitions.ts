import { sql } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTransaction } from '../db/in-transaction.js';
import { beginDeploymentChange, endDeploymentChange } from '../deployments/deployment-state.js';
import { swapNodeVolumes } from '../deployments/node-volumes.js';
import type { Restore } from './restore.entity.js';
import { RestoreSchema } from './restore.entity.js';
import { clientToken, type PlannedSwap, type RestorePlanItem } from './restore-plan.js';
import { ACTIVE_RESTORE_STATUSES, type UndoneRestoreStatus } from './restore-statuses.js';
import { RestoreVolumeSchema } from './restore-volume.entity.js';

// Every write of a restore and its planned volumes. Each transition changes the
// rows only from the statuses it may leave and says whether it did. They join
// the caller's transaction (the worker's fenced one) when there is one.

/** The longest error kept on a restore row. */
const MAX_ERROR = 2000;

type RestoreRef = Pick<Restore, 'id' | 'deploymentId'>;

/** A restore requested: pending until a worker plans it. Returns its id. */
export async function createPendingRestore(
  em: EntityManager,
  r: { deploymentId: bigint; backupId: bigint },
): Promise<bigint> {
  const restore = em.create(RestoreSchema, {
    deploymentId: r.deploymentId,
    backupId: r.backupId,
    status: 'pending',
    replacedVolumeIds: [],
    newVolumeIds: [],
  });
  // The database's clock, as for the row's other timestamps (and as the row's defaults did).
  restore.createdAt = sql<Date>`now()`;
  restore.updatedAt = sql<Date>`now()`;
  await em.flush();
  return restore.id;
}

/**
 * pending → in_progress at `create_volumes`, with its whole plan written before
 * any EC2 call; the deployment is `restoring`. False when it was not pending.
 */
export async function beginRestore(
  em: EntityManager,
  restore: RestoreRef,
  swaps: readonly PlannedSwap[],
): Promise<boolean> {
  return inTransaction(em, async (tx) => {
    const started = await tx.nativeUpdate(
      RestoreSchema,
      { id: restore.id, status: 'pending' },
      { status: 'in_progress', step: 'create_volumes', startedAt: sql.now(), updatedAt: sql.now() },
    );
    if (started === 0) return false;
    if (swaps.length > 0)
      await tx
        .createQueryBuilder(RestoreVolumeSchema)
        .insert(
          swaps.map((s) => ({
            restoreId: restore.id,
            nodeId: s.nodeId,
            deviceName: s.deviceName,
            snapshotId: s.snapshotId,
            originalVolumeId: s.originalVolumeId,
            clientToken: clientToken(restore.id, s.nodeId, s.deviceName),
            createdAt: sql.now(),
          })),
        )
        .onConflict(['restoreId', 'nodeId', 'deviceName'])
        .ignore()
        .execute();
    await beginDeploymentChange(tx, restore.deploymentId, 'restoring');
    return true;
  });
}

/** The in-progress restore moves to `step`; `error` (when given) records why it took that path. */
export async function setRestoreStep(
  em: EntityManager,
  restoreId: bigint,
  step: string,
  error?: string,
): Promise<boolean> {
  const n = await em.nativeUpdate(
    RestoreSchema,
    { id: restoreId, status: 'in_progress' },
    {
      step,
      ...(error === undefined ? {} : { error: error.slice(0, MAX_ERROR) }),
      updatedAt: sql.now(),
    },
  );
  return n === 1;
}

/** The volume made for a planned swap, recorded once (a retried create returns the same one). */
export async function recordRestoreVolume(
  em: EntityManager,
  planItemId: bigint,
  volumeId: string,
): Promise<boolean> {
  const n = await em.nativeUpdate(
    RestoreVolumeSchema,
    { id: planItemId, newVolumeId: null },
    { newVolumeId: volumeId },
  );
  return n === 1;
}

/** in_progress → completed: the nodes' volumes are the new ones; the deployment runs again. */
export async function completeRestore(
  em: EntityManager,
  restore: RestoreRef,
  plan: readonly RestorePlanItem[],
): Promise<boolean> {
  return inTransaction(em, async (tx) => {
    await swapNodeVolumes(
      tx,
      plan.map((p) => ({
        nodeId: p.nodeId,
        deviceName: p.device,
        from: p.originalVolumeId,
        to: p.newVolumeId ?? '',
      })),
    );
    const n = await tx.nativeUpdate(
      RestoreSchema,
      { id: restore.id, status: 'in_progress' },
      {
        status: 'completed',
        completedAt: sql.now(),
        updatedAt: sql.now(),
        replacedVolumeIds: plan.map((p) => p.originalVolumeId),
        newVolumeIds: plan.map((p) => p.newVolumeId ?? ''),
      },
    );
    await endDeploymentChange(tx, restore.deploymentId, 'restoring', 'running');
    return n === 1;
  });
}

/** pending / in_progress → `failed` (nothing touched) or `rolled_back`; the deployment runs again. */
export async function endRestore(
  em: EntityManager,
  restore: RestoreRef,
  status: UndoneRestoreStatus,
  error: string,
): Promise<boolean> {
  return inTransaction(em, async (tx) => {
    const n = await tx.nativeUpdate(
      RestoreSchema,
      { id: restore.id, status: { $in: [...ACTIVE_RESTORE_STATUSES] } },
      { status, error: error.slice(0, MAX_ERROR), completedAt: sql.now(), updatedAt: sql.now() },
    );
    await endDeploymentChange(tx, restore.deploymentId, 'restoring', 'running');
    return n === 1;
  });
}
