import { type Deployment, DeploymentSchema, NodeSchema } from '@backups/shared/deployments';
import type { Tenant } from '@backups/shared/tenants';
import { LockMode, sql } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * A deployment seen through its tenant: what the API needs to decide on a
 * request (its cloud and storage for what it may do, its tenant's plan and
 * limit override for how many backups it may keep).
 */
export type TenantDeployment = Pick<Deployment, 'id' | 'tenantId' | 'cloud' | 'storageType' | 'region'> &
  Pick<Tenant, 'plan'> & { backupLimitOverride: number | null };

/**
 * Finds a deployment of this tenant only: another tenant's deployment is not
 * found, exactly like one that does not exist. `forUpdate` locks the row (not
 * its tenant's) for the rest of the transaction, which serialises every limit
 * check and state change of one deployment across API processes; it needs one.
 */
export async function findTenantDeployment(
  em: EntityManager,
  tenantId: bigint,
  deploymentId: bigint,
  opts: { forUpdate?: boolean } = {},
): Promise<TenantDeployment | null> {
  // One round trip on every request: the entities declare no relation, so the
  // tenant is joined by its table.
  const qb = em
    .createQueryBuilder(DeploymentSchema, 'd')
    .select([
      'd.id',
      'd.tenantId',
      'd.cloud',
      'd.storageType',
      'd.region',
      sql.ref('t.plan').as('plan'),
      sql.ref('t.backup_limit_override').as('backupLimitOverride'),
    ])
    .join(sql.ref('tenants'), 't', { 't.id': sql.ref('d.tenant_id') })
    .where({ id: deploymentId, tenantId });
  if (opts.forUpdate) qb.setLockMode(LockMode.PESSIMISTIC_WRITE, ['d']);
  const row = await qb.execute<Row | undefined>('get');
  if (!row) return null;
  return {
    id: BigInt(row.id),
    tenantId: BigInt(row.tenantId),
    cloud: row.cloud,
    storageType: row.storageType,
    region: row.region,
    plan: row.plan,
    backupLimitOverride: row.backupLimitOverride,
  };
}

/** The query's result: mapped to property names, with bigint columns still as text. */
type Row = Omit<TenantDeployment, 'id' | 'tenantId'> & { id: bigint | string; tenantId: bigint | string };

export async function isNodeOfDeployment(
  em: EntityManager,
  deploymentId: bigint,
  nodeId: bigint,
): Promise<boolean> {
  return (await em.count(NodeSchema, { id: nodeId, deploymentId })) > 0;
}
