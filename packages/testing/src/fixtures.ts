import { BackupSchema, DeploymentSchema, NodeSchema, TenantSchema } from '@backups/shared/db';
import type { EntityManager } from '@mikro-orm/postgresql';

/** A Pro tenant with one AWS deployment of one node; returns their ids. */
export async function seedDeployment(em: EntityManager, deploymentId?: bigint) {
  const tenant = em.create(TenantSchema, { name: 'acme', plan: 'pro', backupLimitOverride: null });
  await em.flush();
  const deployment = em.create(DeploymentSchema, {
    ...(deploymentId ? { id: deploymentId } : {}),
    tenantId: tenant.id,
    name: 'orders',
    cloud: 'aws',
    region: 'us-west-1',
    storageType: 'network',
    status: 'running',
    version: '0.4.0',
  });
  await em.flush();
  const node = em.create(NodeSchema, {
    deploymentId: deployment.id,
    name: 'node-1',
    instanceId: `i-${Math.random().toString(16).slice(2, 19).padEnd(17, '0')}`,
    availabilityZone: 'us-west-1a',
  });
  await em.flush();
  return { tenantId: tenant.id, deploymentId: deployment.id, nodeId: node.id };
}

export function newBackup(
  em: EntityManager,
  deploymentId: bigint,
  status: 'pending' | 'in_progress' = 'pending',
) {
  return em.create(BackupSchema, {
    deploymentId,
    nodeId: null,
    name: 'nightly',
    backupType: 'manual',
    status,
    region: 'us-west-1',
    remarks: null,
    failureReason: null,
    sizeBytes: null,
    startedAt: status === 'in_progress' ? new Date() : null,
    completedAt: null,
    expiresAt: null,
    deletedAt: null,
  });
}
