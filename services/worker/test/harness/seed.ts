import { EC2Client } from '@aws-sdk/client-ec2';
import { seedInstance } from '@backups/ec2-emulator';
import { createBackupLocked, lockDeployment } from '@backups/shared/backups';
import { TenantSchema } from '@backups/shared/db';
import { discoverNodes, registerDeployment } from '@backups/shared/deployments';
import { Ec2Adapter } from '@backups/shared/ec2';
import { JobQueues } from '@backups/shared/jobs';
import { insertOperation } from '@backups/shared/operations';
import { createPendingUpgrade } from '@backups/shared/upgrades';
import type { EntityManager } from '@mikro-orm/postgresql';

export const REGION = 'us-west-1';
export const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

export function ec2Client(endpoint: string): EC2Client {
  return new EC2Client({ region: REGION, endpoint, credentials: CREDENTIALS });
}

export function testAdapter(endpoint: string): Ec2Adapter {
  return new Ec2Adapter({ region: REGION, endpoint, credentials: CREDENTIALS });
}

export interface SeededDeployment {
  tenantId: bigint;
  deploymentId: bigint;
  nodes: { nodeId: bigint; instanceId: string }[];
}

/**
 * A Pro tenant's AWS deployment whose nodes are real emulator instances; the
 * volumes table is filled the way the admin CLI does it: the instances are
 * described through the adapter and registered through the deployments owner.
 */
export async function seedDeployment(
  em: EntityManager,
  endpoint: string,
  opts: { nodes?: number; volumesPerNode?: number; name?: string } = {},
): Promise<SeededDeployment> {
  const client = ec2Client(endpoint);
  const adapter = testAdapter(endpoint);
  try {
    const tenant = em.create(TenantSchema, { name: 'acme', plan: 'pro', backupLimitOverride: null });
    await em.flush();
    const instanceIds: string[] = [];
    for (let i = 0; i < (opts.nodes ?? 1); i++) {
      const devices = ['/dev/sdf', '/dev/sdg', '/dev/sdh'].slice(0, opts.volumesPerNode ?? 1);
      const seeded = await seedInstance(client, {
        az: `${REGION}a`,
        dataVolumes: devices.map((device, j) => ({
          device,
          sizeGiB: 4 + j,
          type: 'gp3',
          iops: 3000,
          throughput: 125,
        })),
      });
      instanceIds.push(seeded.instanceId);
    }
    const deployment = await registerDeployment(em, {
      tenantId: tenant.id,
      name: opts.name ?? 'orders',
      cloud: 'aws',
      region: REGION,
      storageType: 'network',
      version: '0.4.0',
      nodes: await discoverNodes(adapter, instanceIds),
    });
    const nodes = deployment.nodeIds.map((nodeId, i) => ({ nodeId, instanceId: instanceIds[i] ?? '' }));
    return { tenantId: tenant.id, deploymentId: deployment.id, nodes };
  } finally {
    client.destroy();
    adapter.destroy();
  }
}

/** Inserts rows in one transaction (as the API does); each statement sees the ids returned before it. */
async function insertAll(
  em: EntityManager,
  statements: ((ids: string[]) => [string, unknown[]])[],
): Promise<bigint[]> {
  return em.transactional(async (tx) => {
    const ids: string[] = [];
    for (const statement of statements) {
      const [sql, params] = statement(ids);
      const [r] = await tx
        .getConnection()
        .execute<{ id: string }[]>(`${sql} returning id::text`, params, 'all', tx.getTransactionContext());
      ids.push(r?.id ?? '0');
    }
    return ids.map(BigInt);
  });
}

/** What the API does for POST .../backups: backup + operation in one transaction, then the signal. */
export async function requestBackup(
  em: EntityManager,
  queues: JobQueues | null,
  deploymentId: bigint,
  nodeId?: bigint,
): Promise<{ backupId: bigint; opId: bigint }> {
  const d = deploymentId.toString();
  const [backupId = 0n, opId = 0n] = await insertAll(em, [
    () => [
      `insert into backups (deployment_id, node_id, name, backup_type, status, region) values (?, ?, 'test', 'manual', 'pending', ?)`,
      [d, nodeId?.toString() ?? null, REGION],
    ],
    (ids) => [`insert into operations (deployment_id, kind, backup_id) values (?, 'backup', ?)`, [d, ids[0]]],
  ]);
  await queues?.enqueue('operation.drive', { deploymentId: d });
  return { backupId, opId };
}

export async function requestRestore(
  em: EntityManager,
  queues: JobQueues | null,
  deploymentId: bigint,
  backupId: bigint,
): Promise<{ restoreId: bigint; opId: bigint }> {
  const d = deploymentId.toString();
  const [restoreId = 0n, opId = 0n] = await insertAll(em, [
    () => ['insert into restores (deployment_id, backup_id) values (?, ?)', [d, backupId.toString()]],
    (ids) => [
      `insert into operations (deployment_id, kind, backup_id, restore_id) values (?, 'restore', ?, ?)`,
      [d, backupId.toString(), ids[0]],
    ],
  ]);
  await queues?.enqueue('operation.drive', { deploymentId: d });
  return { restoreId, opId };
}

export async function requestDelete(
  em: EntityManager,
  queues: JobQueues | null,
  backupId: bigint,
): Promise<void> {
  await em
    .getConnection()
    .execute(`update backups set status = 'deleting' where id = ?`, [backupId.toString()]);
  await queues?.enqueue('backup.delete', { backupId: backupId.toString() });
}

/** What POST /deployments/{id}/upgrade commits: pre-upgrade backup (unless none), upgrade, both operations. */
export async function requestUpgrade(
  em: EntityManager,
  queues: JobQueues | null,
  deploymentId: bigint,
  target: string,
  withBackup: boolean,
): Promise<{ upgradeId: bigint; opId: bigint }> {
  const ids = await em.transactional(async (tx) => {
    const deployment = await lockDeployment(tx, deploymentId);
    if (!deployment) throw new Error('no deployment');
    const backupId = withBackup
      ? (
          await createBackupLocked(tx, deployment, {
            name: `pre-upgrade-${target}`,
            nodeId: null,
            backupType: 'pre_upgrade',
            remarks: null,
            expiresInDays: 30,
            idempotencyKey: null,
          })
        ).backupId
      : null;
    const upgradeId = await createPendingUpgrade(tx, {
      deploymentId,
      fromVersion: '0.4.0',
      targetVersion: target,
      preUpgradeBackupId: backupId,
    });
    const opId = await insertOperation(tx, { deploymentId, kind: 'upgrade', upgradeId, backupId });
    return { upgradeId, opId };
  });
  await queues?.enqueue('operation.drive', { deploymentId: deploymentId.toString() });
  return ids;
}

export { JobQueues };
