import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DeploymentSchema } from '../deployments/deployment.entity.js';
import { TenantSchema } from '../tenants/tenant.entity.js';
import type { LockedDeployment } from './create-backup.js';

/**
 * Locks a deployment's row for the rest of the transaction and returns what a
 * backup create needs (for the scheduler and upgrades; the API locks through
 * its tenant-scoped lookup). Null when the deployment is gone.
 */
export async function lockDeployment(
  tx: EntityManager,
  deploymentId: bigint,
): Promise<LockedDeployment | null> {
  const deployment = await tx.findOne(
    DeploymentSchema,
    { id: deploymentId },
    { lockMode: LockMode.PESSIMISTIC_WRITE, disableIdentityMap: true },
  );
  if (!deployment) return null;
  // The tenant row is read, not locked: its plan is the tenant's, not this deployment's.
  const tenant = await tx.findOneOrFail(
    TenantSchema,
    { id: deployment.tenantId },
    { disableIdentityMap: true },
  );
  return {
    id: deployment.id,
    region: deployment.region,
    cloud: deployment.cloud,
    storageType: deployment.storageType,
    plan: tenant.plan,
    backupLimitOverride: tenant.backupLimitOverride ?? null,
  };
}
