import type { Ec2Adapter, InstanceInfo, VolumeInfo } from '../ec2/index.js';

// What registering a deployment learns from EC2 about its instances: the
// admin CLI's deployment:register and the local run's demo seed both use it.

/** A data volume as registration records it: EC2's description and the device it is attached at. */
export type DiscoveredVolume = Pick<
  VolumeInfo,
  'volumeId' | 'sizeGiB' | 'volumeType' | 'iops' | 'throughput' | 'encrypted' | 'kmsKeyId'
> & { deviceName: string };

export interface DiscoveredNode {
  instanceId: string;
  availabilityZone: string;
  volumes: DiscoveredVolume[];
}

/**
 * Each instance's AZ and its data volumes (the boot volume excluded), from EC2
 * DescribeInstances + DescribeVolumes through the shared adapter. Every
 * instance must exist and have at least one data volume, or nothing is registered.
 */
export async function discoverNodes(
  ec2: Ec2Adapter,
  instanceIds: readonly string[],
): Promise<DiscoveredNode[]> {
  return nodesOf(await describeById(ec2, instanceIds), instanceIds, ec2.region);
}

/** Instance id → its description, for many ids in as few calls as the adapter can (200 a call). */
export async function describeById(
  ec2: Ec2Adapter,
  instanceIds: readonly string[],
): Promise<Map<string, InstanceInfo>> {
  return new Map((await ec2.describeInstances(instanceIds)).map((i) => [i.instanceId, i]));
}

/** One deployment's nodes out of instances described earlier (maybe together with other deployments'). */
export function nodesOf(
  found: ReadonlyMap<string, InstanceInfo>,
  instanceIds: readonly string[],
  region: string,
): DiscoveredNode[] {
  return instanceIds.map((instanceId) => {
    const instance = found.get(instanceId);
    if (!instance) throw new Error(`instance ${instanceId} was not found in region ${region}`);
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
