import {
  type BlockDeviceMapping,
  type EC2Client,
  RunInstancesCommand,
  type VolumeType,
} from '@aws-sdk/client-ec2';

export interface SeedDataVolume {
  device: string;
  sizeGiB: number;
  /** gp3 unless given. */
  type?: VolumeType | (string & {});
  iops?: number;
  throughput?: number;
  encrypted?: boolean;
  kmsKeyId?: string;
}

export interface SeedInstanceInput {
  az: string;
  dataVolumes: SeedDataVolume[];
  tags?: Record<string, string>;
  imageId?: string;
  instanceType?: string;
}

export interface SeededInstance {
  instanceId: string;
  /** The root volume (`/dev/xvda`) first, then the data volumes. */
  volumes: { volumeId: string; device: string }[];
}

/**
 * Launches one instance with data volumes through the public EC2 API only (RunInstances), so
 * the same seeding works against the emulator and against AWS (given a real `imageId`).
 */
export async function seedInstance(client: EC2Client, input: SeedInstanceInput): Promise<SeededInstance> {
  const mappings: BlockDeviceMapping[] = input.dataVolumes.map((volume) => ({
    DeviceName: volume.device,
    Ebs: {
      VolumeSize: volume.sizeGiB,
      VolumeType: (volume.type ?? 'gp3') as VolumeType,
      ...(volume.iops === undefined ? {} : { Iops: volume.iops }),
      ...(volume.throughput === undefined ? {} : { Throughput: volume.throughput }),
      ...(volume.encrypted === undefined ? {} : { Encrypted: volume.encrypted }),
      ...(volume.kmsKeyId === undefined ? {} : { KmsKeyId: volume.kmsKeyId }),
      DeleteOnTermination: true,
    },
  }));
  const tags = Object.entries(input.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
  const result = await client.send(
    new RunInstancesCommand({
      ImageId: input.imageId ?? 'ami-0123456789abcdef0',
      InstanceType: (input.instanceType ?? 't3.micro') as RunInstancesCommand['input']['InstanceType'],
      MinCount: 1,
      MaxCount: 1,
      Placement: { AvailabilityZone: input.az },
      BlockDeviceMappings: mappings,
      ...(tags.length === 0
        ? {}
        : {
            TagSpecifications: [
              { ResourceType: 'instance', Tags: tags },
              { ResourceType: 'volume', Tags: tags },
            ],
          }),
    }),
  );
  const instance = result.Instances?.[0];
  if (!instance?.InstanceId) throw new Error('RunInstances returned no instance');
  const volumes = (instance.BlockDeviceMappings ?? []).flatMap((mapping) =>
    mapping.Ebs?.VolumeId && mapping.DeviceName
      ? [{ volumeId: mapping.Ebs.VolumeId, device: mapping.DeviceName }]
      : [],
  );
  return { instanceId: instance.InstanceId, volumes };
}
