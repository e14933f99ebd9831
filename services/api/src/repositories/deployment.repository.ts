import { type PreparedRunner, preparedStatement, runPrepared } from '@backups/shared/db';
import { type Deployment, type Node, NodeSchema } from '@backups/shared/deployments';
import type { Tenant } from '@backups/shared/tenants';
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
  // One round trip on every request. The entities declare no relation, so the
  // tenant is joined by its table.
  const [row] = await em.execute<Row[]>(
    `${SELECT_TENANT_DEPLOYMENT.replace('$1', '?').replace('$2', '?')}${opts.forUpdate ? ' for update of d' : ''}`,
    [deploymentId, tenantId],
  );
  return row ? tenantDeployment(row, tenantId, deploymentId) : null;
}

/**
 * findTenantDeployment with the row lock, on a transaction's own connection,
 * as a prepared statement (the create path; see @backups/shared/db prepared).
 */
export async function lockTenantDeployment(
  tx: PreparedRunner,
  tenantId: bigint,
  deploymentId: bigint,
): Promise<TenantDeployment | null> {
  const [row] = await runPrepared<Row>(tx, LOCK_TENANT_DEPLOYMENT, [deploymentId, tenantId]);
  return row ? tenantDeployment(row, tenantId, deploymentId) : null;
}

const SELECT_TENANT_DEPLOYMENT = `select d.cloud, d.storage_type, d.region, t.plan, t.backup_limit_override
   from deployments d
   join tenants t on t.id = d.tenant_id
  where d.id = $1 and d.tenant_id = $2`;

const LOCK_TENANT_DEPLOYMENT = preparedStatement(
  'api.lock_tenant_deployment',
  `${SELECT_TENANT_DEPLOYMENT} for update of d`,
);

function tenantDeployment(row: Row, tenantId: bigint, deploymentId: bigint): TenantDeployment {
  return {
    id: deploymentId,
    tenantId,
    cloud: row.cloud,
    storageType: row.storage_type,
    region: row.region,
    plan: row.plan,
    backupLimitOverride: row.backup_limit_override,
  };
}

interface Row {
  cloud: TenantDeployment['cloud'];
  storage_type: TenantDeployment['storageType'];
  region: string;
  plan: TenantDeployment['plan'];
  backup_limit_override: number | null;
}

export async function isNodeOfDeployment(
  em: EntityManager,
  deploymentId: bigint,
  nodeId: bigint,
): Promise<boolean> {
  return (await em.count(NodeSchema, { id: nodeId, deploymentId })) > 0;
}

/** A deployment's nodes in the order they were registered (node-1, node-2, …). */
export async function listDeploymentNodes(
  em: EntityManager,
  deploymentId: bigint,
): Promise<Array<Pick<Node, 'id' | 'name' | 'availabilityZone'>>> {
  return em.find(
    NodeSchema,
    { deploymentId },
    { fields: ['id', 'name', 'availabilityZone'], orderBy: { id: 'asc' } },
  );
}
