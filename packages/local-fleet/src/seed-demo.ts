import { EC2Client } from '@aws-sdk/client-ec2';
import { seedInstance } from '@backups/ec2-emulator';
import {
  deregisterDeployment,
  discoverNodes,
  NodeSchema,
  registerDeployment,
} from '@backups/shared/deployments';
import { Ec2Adapter } from '@backups/shared/ec2';
import { createTenant, ensureKnownApiKey, TenantSchema } from '@backups/shared/tenants';
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
  const found = await em.findOne(TenantSchema, { name: DEMO_TENANT_NAME }, { orderBy: { id: 'asc' } });
  if (found) return found.id;
  return createTenant(em, { name: DEMO_TENANT_NAME, plan: 'enterprise' });
}

async function instancesExist(em: EntityManager, ec2: Ec2Adapter): Promise<boolean | null> {
  const nodes = await em.find(NodeSchema, { deploymentId: DEMO_DEPLOYMENT_ID }, { fields: ['instanceId'] });
  if (nodes.length === 0) return null;
  const found = await ec2.describeInstances(nodes.map((n) => n.instanceId)).catch(() => []);
  return found.length === nodes.length;
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
    await ensureKnownApiKey(em, {
      tenantId,
      name: 'demo (local run)',
      secret: DEMO_API_KEY,
      permissions: ['deployment:read', 'deployment:manage'],
    });
    const exists = await instancesExist(em, ec2);
    if (exists) return { tenantId, apiKey: DEMO_API_KEY, deploymentId: DEMO_DEPLOYMENT_ID, recreated: false };
    if (exists === false) await deregisterDeployment(em, DEMO_DEPLOYMENT_ID);

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
