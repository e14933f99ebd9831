import { createBackupLocked, DomainError, PLAN_BACKUP_LIMITS } from '@backups/shared/backups';
import { insertOperation } from '@backups/shared/operations';
import { createPendingUpgrade, type Upgrade } from '@backups/shared/upgrades';
import { currentVersion, getUpgrade, hasActiveUpgrade } from '../repositories/upgrade.repository.js';
import { notFound, requireDeployment } from './deployment-access.js';
import { type Caller, forkEm, type ServiceDeps } from './service-deps.js';
import { assertRedisReachable, signalCommittedWork } from './work-signals.js';

/** How long a pre-upgrade backup is kept unless the tenant deletes it sooner. */
const PRE_UPGRADE_BACKUP_DAYS = 30;

/**
 * Queues an upgrade behind a pre-upgrade backup, both in the deployment's
 * operation order, in one transaction: the worker runs the upgrade only once
 * that backup has completed, and aborts it (deployment untouched) if the
 * backup failed. A plan or deployment without backups upgrades without one.
 */
export async function requestUpgrade(
  deps: ServiceDeps,
  caller: Caller,
  deploymentId: bigint,
  targetVersion: string,
): Promise<bigint> {
  await assertRedisReachable(deps.redis);
  const { upgradeId, rotated } = await forkEm(deps).transactional(async (tx) => {
    const deployment = await requireDeployment(tx, caller, deploymentId, true);
    if (await hasActiveUpgrade(tx, deploymentId)) {
      throw new DomainError(
        'upgrade_conflict',
        'An upgrade is already queued or running for this deployment. Wait for it to finish before requesting another.',
      );
    }
    const fromVersion = await currentVersion(tx, deploymentId);
    const withBackup =
      PLAN_BACKUP_LIMITS[deployment.plan] !== null &&
      deployment.cloud === 'aws' &&
      deployment.storageType === 'network';
    let backupId: bigint | null = null;
    let rotated: bigint[] = [];
    if (withBackup) {
      const created = await createBackupLocked(
        tx,
        deployment,
        {
          name: `pre-upgrade-${targetVersion}`.slice(0, 128),
          nodeId: null,
          backupType: 'pre_upgrade',
          remarks: `Taken automatically before upgrading from ${fromVersion} to ${targetVersion}`,
          expiresInDays: PRE_UPGRADE_BACKUP_DAYS,
          idempotencyKey: null,
        },
        // At the plan limit, the oldest completed pre-upgrade backup makes room.
        { rotate: 'pre_upgrade' },
      );
      backupId = created.backupId;
      rotated = created.rotated;
    }
    const id = await createPendingUpgrade(tx, {
      deploymentId,
      fromVersion,
      targetVersion,
      preUpgradeBackupId: backupId,
    });
    await insertOperation(tx, { deploymentId, kind: 'upgrade', upgradeId: id, backupId });
    return { upgradeId: id, rotated };
  });
  for (const backupId of rotated) {
    await signalCommittedWork(deps.queues, caller.logger, 'backup.delete', { backupId: backupId.toString() });
  }
  await signalCommittedWork(deps.queues, caller.logger, 'operation.drive', {
    deploymentId: deploymentId.toString(),
  });
  return upgradeId;
}

export async function getDeploymentUpgrade(
  deps: ServiceDeps,
  caller: Caller,
  deploymentId: bigint,
  upgradeId: bigint,
): Promise<Upgrade> {
  const em = forkEm(deps);
  await requireDeployment(em, caller, deploymentId);
  const upgrade = await getUpgrade(em, deploymentId, upgradeId);
  if (!upgrade) throw notFound(`Upgrade ${upgradeId}`);
  return upgrade;
}
