import type { Cloud, Plan, StorageType } from '@backups/shared';
import type { EntityManager } from '@mikro-orm/postgresql';

/** A deployment seen through its tenant: what the API needs to decide on a request. */
export interface TenantDeployment {
  id: bigint;
  tenantId: bigint;
  cloud: Cloud;
  storageType: StorageType;
  region: string;
  plan: Plan;
  backupLimitOverride: number | null;
}

interface Row {
  id: string;
  tenant_id: string;
  cloud: Cloud;
  storage_type: StorageType;
  region: string;
  plan: Plan;
  backup_limit_override: number | null;
}

/**
 * Finds a deployment of this tenant only: another tenant's deployment is not
 * found, exactly like one that does not exist. `forUpdate` locks the row for
 * the rest of the transaction, which serialises every limit check and state
 * change of one deployment across API processes.
 */
export async function findTenantDeployment(
  em: EntityManager,
  tenantId: bigint,
  deploymentId: bigint,
  opts: { forUpdate?: boolean } = {},
): Promise<TenantDeployment | null> {
  const rows = await em.execute<Row[]>(
    `select d.id, d.tenant_id, d.cloud, d.storage_type, d.region, t.plan, t.backup_limit_override
       from deployments d join tenants t on t.id = d.tenant_id
      where d.id = ? and d.tenant_id = ?${opts.forUpdate ? ' for update of d' : ''}`,
    [deploymentId, tenantId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: BigInt(row.id),
    tenantId: BigInt(row.tenant_id),
    cloud: row.cloud,
    storageType: row.storage_type,
    region: row.region,
    plan: row.plan,
    backupLimitOverride: row.backup_limit_override,
  };
}

export async function isNodeOfDeployment(
  em: EntityManager,
  deploymentId: bigint,
  nodeId: bigint,
): Promise<boolean> {
  const rows = await em.execute<unknown[]>('select 1 from nodes where id = ? and deployment_id = ?', [
    nodeId,
    deploymentId,
  ]);
  return rows.length > 0;
}
