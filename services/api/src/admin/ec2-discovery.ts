import type { Ec2Adapter } from '@backups/shared/ec2';
import type { DiscoveredNode } from './deployments.admin.js';

/**
 * Each instance's AZ and its data volumes (the boot volume excluded), from EC2
 * DescribeInstances + DescribeVolumes through the shared adapter. Every
 * instance must exist and have at least one data volume, or nothing is registered.
 */
export async function discoverNodes(
  ec2: Ec2Adapter,
  instanceIds: readonly string[],
): Promise<DiscoveredNode[]> {
  const found = new Map((await ec2.describeInstances(instanceIds)).map((i) => [i.instanceId, i]));
  return instanceIds.map((instanceId) => {
    const instance = found.get(instanceId);
    if (!instance) throw new Error(`instance ${instanceId} was not found in region ${ec2.region}`);
    if (instance.dataVolumes.length === 0)
      throw new Error(`instance ${instanceId} has no EBS data volumes to back up`);
    return {
      instanceId,
      availabilityZone: instance.availabilityZone,
      volumes: instance.dataVolumes.map((v) => ({
        volumeId: v.volumeId,
        deviceName: v.device,
        sizeGiB: v.sizeGiB,
        volumeType: v.volumeType,
        iops: v.iops,
        throughput: v.throughput,
        encrypted: v.encrypted,
        kmsKeyId: v.kmsKeyId,
      })),
    };
  });
}
