import { EC2Client } from '@aws-sdk/client-ec2';
import { seedInstance } from '@backups/ec2-emulator';
import { describeById, nodesOf, registerDeployment } from '@backups/shared/deployments';
import { Ec2Adapter } from '@backups/shared/ec2';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CREDENTIALS, REGION } from './bench-session.js';
import { mapLimited } from './map-limited.js';

// The benchmark's deployments: one emulator instance each (a node with 8 and
// 16 GiB data volumes), registered the way the admin CLI does it: described
// through the shared EC2 adapter, written through the deployments owner.

export const DATA_VOLUMES_GIB = [8, 16] as const;

export interface SeededFleet {
  deploymentIds: bigint[];
  /** Every data volume's size, one entry per snapshot a backup of all deployments takes. */
  volumeSizesGiB: number[];
  /** Nodes with data volumes: one CreateSnapshots call each per backup round. */
  nodes: number;
}

export async function seedDeployments(
  em: () => EntityManager,
  endpoint: string,
  tenantId: bigint,
  count: number,
): Promise<SeededFleet> {
  const client = new EC2Client({ region: REGION, endpoint, credentials: CREDENTIALS });
  const adapter = new Ec2Adapter({ region: REGION, endpoint, credentials: CREDENTIALS });
  try {
    const instanceIds = await mapLimited(
      Array.from({ length: count }, (_, i) => i),
      25,
      () =>
        seedInstance(client, {
          az: `${REGION}a`,
          dataVolumes: [
            { device: '/dev/sdf', sizeGiB: DATA_VOLUMES_GIB[0] },
            { device: '/dev/sdg', sizeGiB: DATA_VOLUMES_GIB[1] },
          ],
        }).then((s) => s.instanceId),
    );
    const described = await describeById(adapter, instanceIds);
    const registered = await mapLimited(instanceIds, 8, async (instanceId, i) => {
      const nodes = nodesOf(described, [instanceId], REGION);
      const { id } = await registerDeployment(em(), {
        tenantId,
        name: `bench-${i}`,
        cloud: 'aws',
        region: REGION,
        storageType: 'network',
        version: '0.4.0',
        nodes,
      });
      return { id, sizes: nodes.flatMap((n) => n.volumes.map((v) => v.sizeGiB)) };
    });
    return {
      deploymentIds: registered.map((r) => r.id),
      volumeSizesGiB: registered.flatMap((r) => r.sizes),
      nodes: registered.length,
    };
  } finally {
    client.destroy();
    adapter.destroy();
  }
}
