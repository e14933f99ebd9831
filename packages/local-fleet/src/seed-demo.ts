import { EC2Client } from '@aws-sdk/client-ec2';
import { registerDeployment } from '@backups/api/admin/deployments.admin';
import { discoverNodes } from '@backups/api/admin/ec2-discovery';
import { createTenant } from '@backups/api/admin/tenants.admin';
import { hashApiKey } from '@backups/api/auth/api-key';
import { seedInstance } from '@backups/ec2-emulator';
import { Ec2Adapter } from '@backups/shared/ec2';
import type { EntityManager } from '@mikro-orm/postgresql';

// The demo data of the local run: a tenant, an API key and a two-node
// deployment whose instances and volumes exist in the emulator. Idempotent:
// re-running finds the tenant and the key; the emulator keeps nothing between
// runs, so a deployment whose instances are gone is re-created afresh.

export const DEMO_TENANT_NAME = 'Demo tenant (local)';
/** A well-known key, like an emulator's test credentials: only ever valid against a local database. */
export const DEMO_API_KEY = 'ld_LocalDemoKeyForTheBackupsServiceFleet01';
/** An int64 id beyond 2^53, so the local run shows ids surviving JSON intact. */
export const DEMO_DEPLOYMENT_ID = 611298765432109056n;

export interface DemoSeed {
  tenantId: bigint;
  apiKey: string;
  deploymentId: bigint;
  recreated: boolean;
}

async function ensureTenant(em: EntityManager): Promise<bigint> {
  const [row] = await em.execute<{ id: string }[]>(
    'select id::text from tenants where name = ? order by id limit 1',
    [DEMO_TENANT_NAME],
  );
  if (row) return BigInt(row.id);
  return createTenant(em, { name: DEMO_TENANT_NAME, plan: 'enterprise' });
}

async function ensureKey(em: EntityManager, tenantId: bigint): Promise<void> {
  await em.execute(
    `insert into api_keys (tenant_id, name, key_prefix, key_hash, permissions)
     values (?, 'demo (local run)', ?, ?, array['deployment:read', 'deployment:manage'])
     on conflict (key_hash) do update set revoked_at = null, expires_at = null`,
    [tenantId, DEMO_API_KEY.slice(0, 8), hashApiKey(DEMO_API_KEY)],
  );
}

async function instancesExist(em: EntityManager, ec2: Ec2Adapter): Promise<boolean | null> {
  const rows = await em.execute<{ instance_id: string }[]>(
    'select instance_id from nodes where deployment_id = ?',
    [DEMO_DEPLOYMENT_ID],
  );
  if (rows.length === 0) return null;
  const found = await ec2.describeInstances(rows.map((r) => r.instance_id)).catch(() => []);
  return found.length === rows.length;
}

export async function seedDemo(
  em: EntityManager,
  opts: { endpoint: string; region: string },
): Promise<DemoSeed> {
  const ec2 = new Ec2Adapter({
    region: opts.region,
    endpoint: opts.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const tenantId = await ensureTenant(em);
    await ensureKey(em, tenantId);
    const exists = await instancesExist(em, ec2);
    if (exists) return { tenantId, apiKey: DEMO_API_KEY, deploymentId: DEMO_DEPLOYMENT_ID, recreated: false };
    if (exists === false) await em.execute('delete from deployments where id = ?', [DEMO_DEPLOYMENT_ID]);

    const client = new EC2Client({
      region: opts.region,
      endpoint: opts.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const instances = [];
    for (const az of [`${opts.region}a`, `${opts.region}b`]) {
      instances.push(
        await seedInstance(client, {
          az,
          dataVolumes: [
            { device: '/dev/sdf', sizeGiB: 20, type: 'gp3', iops: 3000, throughput: 125, encrypted: true },
          ],
          tags: { Name: 'demo-iggy-node' },
        }),
      );
    }
    client.destroy();
    const nodes = await discoverNodes(
      ec2,
      instances.map((i) => i.instanceId),
    );
    await registerDeployment(em, {
      id: DEMO_DEPLOYMENT_ID,
      tenantId,
      name: 'demo-iggy',
      cloud: 'aws',
      region: opts.region,
      storageType: 'network',
      version: '0.5.0',
      nodes,
    });
    return { tenantId, apiKey: DEMO_API_KEY, deploymentId: DEMO_DEPLOYMENT_ID, recreated: true };
  } finally {
    ec2.destroy();
  }
}
