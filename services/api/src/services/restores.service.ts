import { assertBackupsSupported, assertPlanHasBackups } from '@backups/shared/backups';
import { isUniqueViolation } from '@backups/shared/db';
import { insertOperation } from '@backups/shared/operations';
import { createPendingRestore, type Restore } from '@backups/shared/restores';
import { ApiError } from '../errors/codes.js';
import { lockBackupStatus } from '../repositories/backup.repository.js';
import { getRestore, hasActiveRestore, listRestores } from '../repositories/restore.repository.js';
import { notFound, requireDeployment } from './deployment-access.js';
import { type Caller, forkEm, type ServiceDeps } from './service-deps.js';
import { assertRedisReachable, signalCommittedWork } from './work-signals.js';

function alreadyRestoring(): ApiError {
  return new ApiError(
    'restore_conflict',
    'A restore is already queued or running for this deployment. Wait for it to finish before starting another.',
  );
}

/**
 * Queues a restore of a completed backup: the restore (pending) and its
 * operations row (queued) commit together, then operation.drive is signalled.
 */
export async function startRestore(
  deps: ServiceDeps,
  caller: Caller,
  deploymentId: bigint,
  backupId: bigint,
): Promise<bigint> {
  await assertRedisReachable(deps.redis);
  let restoreId: bigint;
  try {
    restoreId = await forkEm(deps).transactional(async (tx) => {
      const deployment = await requireDeployment(tx, caller, deploymentId, true);
      assertPlanHasBackups(deployment.plan);
      assertBackupsSupported(deployment);
      const status = await lockBackupStatus(tx, deploymentId, backupId);
      if (status === null || status === 'deleted') throw notFound(`Backup ${backupId}`);
      if (status !== 'completed') {
        throw new ApiError(
          'restore_conflict',
          `Backup ${backupId} is ${status}; only a completed backup can be restored.`,
        );
      }
      if (await hasActiveRestore(tx, deploymentId)) throw alreadyRestoring();
      const id = await createPendingRestore(tx, { deploymentId, backupId });
      await insertOperation(tx, { deploymentId, kind: 'restore', restoreId: id, backupId });
      return id;
    });
  } catch (err) {
    // The partial unique index is the last word if anything inserts a restore without our lock.
    if (isUniqueViolation(err, 'restores_one_active')) throw alreadyRestoring();
    throw err;
  }
  await signalCommittedWork(deps.queues, caller.logger, 'operation.drive', {
    deploymentId: deploymentId.toString(),
  });
  return restoreId;
}

export async function listDeploymentRestores(
  deps: ServiceDeps,
  caller: Caller,
  deploymentId: bigint,
): Promise<Restore[]> {
  const em = forkEm(deps);
  await requireDeployment(em, caller, deploymentId);
  return listRestores(em, deploymentId);
}

export async function getDeploymentRestore(
  deps: ServiceDeps,
  caller: Caller,
  deploymentId: bigint,
  restoreId: bigint,
): Promise<Restore> {
  const em = forkEm(deps);
  await requireDeployment(em, caller, deploymentId);
  const restore = await getRestore(em, deploymentId, restoreId);
  if (!restore) throw notFound(`Restore ${restoreId}`);
  return restore;
}
