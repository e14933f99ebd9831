import { DeploymentSchema } from '@backups/shared/deployments';
import { ACTIVE_UPGRADE_STATUSES, type Upgrade, UpgradeSchema } from '@backups/shared/upgrades';
import type { EntityManager } from '@mikro-orm/postgresql';

export async function getUpgrade(
  em: EntityManager,
  deploymentId: bigint,
  upgradeId: bigint,
): Promise<Upgrade | null> {
  return em.findOne(UpgradeSchema, { id: upgradeId, deploymentId });
}

export async function hasActiveUpgrade(em: EntityManager, deploymentId: bigint): Promise<boolean> {
  const n = await em.count(UpgradeSchema, {
    deploymentId,
    status: { $in: [...ACTIVE_UPGRADE_STATUSES] },
  });
  return n > 0;
}

export async function currentVersion(em: EntityManager, deploymentId: bigint): Promise<string> {
  const deployment = await em.findOne(DeploymentSchema, { id: deploymentId }, { fields: ['version'] });
  return deployment?.version ?? '';
}
