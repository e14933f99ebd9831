import {
  type BackupRequest,
  type BackupWithSnapshots,
  getVisibleBackup,
  type ListedBackup,
  listTenantDeploymentBackups,
  markBackupsDeleting,
  sendCreateWithinLimit,
  settleCreate,
  UNSETTLED_BACKUP_STATUSES,
} from '@backups/shared/backups';
import { DEFER_LIST_NOTIFY_SETTING, nativePool, pipelinedTransaction } from '@backups/shared/db';
import { announceListChange } from '../cache/list-change-announcement.js';
import { ApiError } from '../errors/codes.js';
import { lockBackupStatus } from '../repositories/backup.repository.js';
import { lockTenantDeployment } from '../repositories/deployment.repository.js';
import { isBackupBeingRestored } from '../repositories/restore.repository.js';
import { notFound, requireDeployment } from './deployment-access.js';
import { type Caller, forkEm, type ServiceDeps } from './service-deps.js';
import { assertRedisReachable, signalCommittedWork } from './work-signals.js';

// The contract the scheduler's reconciler relies on (see README "Durability"):
// - a create commits the backup (pending) AND its operations row (queued) in one
//   transaction; the operation.drive signal is sent only after the commit, and
//   a lost signal is repaired by the reconciler re-driving every deployment with
//   operations in queued/running;
// - a delete commits status `deleting` before signalling backup.delete; the
//   reconciler re-enqueues backups left in `deleting`.
// A crash between commit and signal therefore leaves durable work, never a
// half-written request; a crash before commit leaves nothing.

export async function listDeploymentBackups(
  deps: ServiceDeps,
  caller: Caller,
  deploymentId: bigint,
): Promise<ListedBackup[]> {
  // The tenant check and the list are one statement (consoles poll this route).
  const backups = await listTenantDeploymentBackups(
    await nativePool(deps.orm),
    caller.tenantId,
    deploymentId,
  );
  if (backups === null) throw notFound(`Deployment ${deploymentId}`);
  return backups;
}

export async function getDeploymentBackup(
  deps: ServiceDeps,
  caller: Caller,
  deploymentId: bigint,
  backupId: bigint,
): Promise<BackupWithSnapshots> {
  const em = forkEm(deps);
  await requireDeployment(em, caller, deploymentId);
  const backup = await getVisibleBackup(em, deploymentId, backupId);
  if (!backup) throw notFound(`Backup ${backupId}`);
  return backup;
}

/** The idempotency key comes from the Idempotency-Key header, namespaced so it cannot collide with the scheduler's keys. */
export type CreateBackupInput = BackupRequest;

export async function createBackup(
  deps: ServiceDeps,
  caller: Caller,
  deploymentId: bigint,
  input: CreateBackupInput,
): Promise<bigint> {
  await assertRedisReachable(deps.redis);
  // BEGIN, the row lock and the create's one statement in one round trip; the
  // rules then decide between COMMIT and ROLLBACK (see create-within-limit.ts).
  // The list change is announced after COMMIT through Redis rather than by the
  // rows' trigger (see announceListChange): the 204 goes out after it, so the
  // next list from any API process shows the backup.
  const pool = await nativePool(deps.orm);
  const backupId = await pipelinedTransaction(
    pool,
    (tx) =>
      [
        tx.query(`set local ${DEFER_LIST_NOTIFY_SETTING} = 'on'`),
        // The row lock makes count-then-insert race-free across API processes.
        lockTenantDeployment(tx, caller.tenantId, deploymentId),
        sendCreateWithinLimit(tx, caller.tenantId, deploymentId, input),
      ] as const,
    ([, deployment, report]) => {
      if (!deployment) throw notFound(`Deployment ${deploymentId}`);
      return settleCreate(deployment, input, report).backupId;
    },
  );
  // Sent in the same turn, so the producer connection writes both at once.
  await Promise.all([
    announceListChange(deps.redis, deps.queues.prefix, pool, deploymentId, caller.logger),
    signalCommittedWork(deps.queues, caller.logger, 'operation.drive', {
      deploymentId: deploymentId.toString(),
    }),
  ]);
  return backupId;
}

export async function deleteBackup(
  deps: ServiceDeps,
  caller: Caller,
  deploymentId: bigint,
  backupId: bigint,
): Promise<void> {
  await assertRedisReachable(deps.redis);
  await forkEm(deps).transactional(async (tx) => {
    // The deployment lock orders this against a concurrent restore request of the same backup.
    await requireDeployment(tx, caller, deploymentId, true);
    const status = await lockBackupStatus(tx, deploymentId, backupId);
    if (status === null || status === 'deleted') throw notFound(`Backup ${backupId}`);
    if (status === 'deleting') return; // Idempotent: the signal below is sent again.
    if ((UNSETTLED_BACKUP_STATUSES as readonly string[]).includes(status)) {
      throw new ApiError(
        'backup_busy',
        `Backup ${backupId} is ${status}. Wait for it to complete before deleting it.`,
      );
    }
    if (await isBackupBeingRestored(tx, backupId)) {
      throw new ApiError(
        'backup_busy',
        `Backup ${backupId} is being restored. Wait for the restore to finish before deleting it.`,
      );
    }
    await markBackupsDeleting(tx, [backupId]);
  });
  await signalCommittedWork(deps.queues, caller.logger, 'backup.delete', { backupId: backupId.toString() });
}
