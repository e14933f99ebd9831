import { EC2Client } from '@aws-sdk/client-ec2';
import { seedInstance } from '@backups/ec2-emulator';
import { discoverNodes, registerDeployment } from '@backups/shared/deployments';
import { Ec2Adapter } from '@backups/shared/ec2';
import { createApiKey, createTenant } from '@backups/shared/tenants';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Random } from './random.js';

// The soak's tenant, its API key and its deployments: 1-3 nodes of 1-2 small
// data volumes each, launched in the emulator through the public EC2 API and
// registered as the admin CLI does (discovered, then written by the
// deployments owner), like `pnpm dev`'s demo and the worker benchmark's seed.

export const CREDENTIALS = { accessKeyId: 'chaos', secretAccessKey: 'chaos' };

export interface SeededNode {
  id: string;
  instanceId: string;
}

export interface SeededDeployment {
  id: string;
  nodes: SeededNode[];
  volumes: number;
}

export interface Seeded {
  tenantId: bigint;
  apiKey: string;
  deployments: SeededDeployment[];
}

export async function seedTenant(
  em: () => EntityManager,
  opts: { endpoint: string; region: string; count: number; random: Random },
): Promise<Seeded> {
  const tenantId = await createTenant(em(), { name: 'Chaos soak', plan: 'enterprise' });
  const key = await createApiKey(em(), {
    tenantId,
    name: 'chaos soak',
    permissions: ['deployment:read', 'deployment:manage'],
  });
  const client = new EC2Client({ region: opts.region, endpoint: opts.endpoint, credentials: CREDENTIALS });
  const ec2 = new Ec2Adapter({ region: opts.region, endpoint: opts.endpoint, credentials: CREDENTIALS });
  try {
    const deployments: SeededDeployment[] = [];
    for (let d = 0; d < opts.count; d++) {
      const instanceIds: string[] = [];
      let volumes = 0;
      for (let n = 0, nodes = opts.random.int(1, 3); n < nodes; n++) {
        const sizes = Array.from({ length: opts.random.int(1, 2) }, () => opts.random.pick([8, 16]));
        volumes += sizes.length;
        const seeded = await seedInstance(client, {
          az: `${opts.region}${'abc'[n]}`,
          dataVolumes: sizes.map((sizeGiB, i) => ({ device: `/dev/sd${'fg'[i]}`, sizeGiB })),
          tags: { Name: `chaos-${d}-${n}` },
        });
        instanceIds.push(seeded.instanceId);
      }
      const { id, nodeIds } = await registerDeployment(em(), {
        tenantId,
        name: `chaos-${d}`,
        cloud: 'aws',
        region: opts.region,
        storageType: 'network',
        version: '0.5.0',
        nodes: await discoverNodes(ec2, instanceIds),
      });
      deployments.push({
        id: id.toString(),
        nodes: nodeIds.map((nodeId, i) => ({ id: nodeId.toString(), instanceId: instanceIds[i] ?? '' })),
        volumes,
      });
    }
    return { tenantId, apiKey: key.secret, deployments };
  } finally {
    client.destroy();
    ec2.destroy();
  }
}
