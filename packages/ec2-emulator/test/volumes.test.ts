import {
  AttachVolumeCommand,
  CreateSnapshotCommand,
  CreateVolumeCommand,
  DeleteVolumeCommand,
  DescribeVolumesCommand,
  DetachVolumeCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  waitUntilInstanceRunning,
  waitUntilInstanceStopped,
  waitUntilSnapshotCompleted,
  waitUntilVolumeAvailable,
  waitUntilVolumeInUse,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { seedInstance } from '../src/index.js';
import { AGAINST_AWS, eventually, sdkError, seedDefaults, useTarget } from './harness.js';

const target = useTarget({ timeScale: 0.0001 });

async function availableVolume(tags: Record<string, string> = {}, size = 4): Promise<string> {
  const volume = await target.client.send(
    new CreateVolumeCommand({
      AvailabilityZone: target.az,
      Size: size,
      VolumeType: 'gp3',
      TagSpecifications: [
        { ResourceType: 'volume', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
      ],
    }),
  );
  const volumeId = volume.VolumeId ?? '';
  await waitUntilVolumeAvailable(target.waiter, { VolumeIds: [volumeId] });
  return volumeId;
}

async function runningInstance(az = target.az) {
  const seeded = await seedInstance(target.client, {
    ...seedDefaults,
    az,
    dataVolumes: [{ device: '/dev/sdf', sizeGiB: 2 }],
  });
  await waitUntilInstanceRunning(target.waiter, { InstanceIds: [seeded.instanceId] });
  return seeded;
}

describe('CreateVolume', () => {
  it('creates an empty volume that goes creating → available', async () => {
    const created = await target.client.send(
      new CreateVolumeCommand({
        AvailabilityZone: target.az,
        Size: 5,
        VolumeType: 'gp3',
        Iops: 3500,
        Throughput: 200,
        TagSpecifications: [{ ResourceType: 'volume', Tags: [{ Key: 'purpose', Value: 'restore' }] }],
      }),
    );
    expect(created).toMatchObject({
      State: 'creating',
      Size: 5,
      VolumeType: 'gp3',
      Iops: 3500,
      Throughput: 200,
      Encrypted: false,
      AvailabilityZone: target.az,
      Tags: [{ Key: 'purpose', Value: 'restore' }],
    });
    expect(created.VolumeId).toMatch(/^vol-[0-9a-f]{17}$/);
    await waitUntilVolumeAvailable(target.waiter, { VolumeIds: [created.VolumeId ?? ''] });
  });

  it('restores from a snapshot: size defaults to the snapshot, smaller is refused, encryption is inherited', async () => {
    const source = await target.client.send(
      new CreateVolumeCommand({ AvailabilityZone: target.az, Size: 3, Encrypted: true }),
    );
    await waitUntilVolumeAvailable(target.waiter, { VolumeIds: [source.VolumeId ?? ''] });
    const snapshot = await target.client.send(new CreateSnapshotCommand({ VolumeId: source.VolumeId }));
    await waitUntilSnapshotCompleted(target.waiter, { SnapshotIds: [snapshot.SnapshotId ?? ''] });

    const restored = await target.client.send(
      new CreateVolumeCommand({ AvailabilityZone: target.otherAz, SnapshotId: snapshot.SnapshotId }),
    );
    expect(restored).toMatchObject({ Size: 3, SnapshotId: snapshot.SnapshotId, Encrypted: true });
    expect(restored.KmsKeyId).toBe(source.KmsKeyId);

    const tooSmall = await sdkError(
      target.client.send(
        new CreateVolumeCommand({ AvailabilityZone: target.az, SnapshotId: snapshot.SnapshotId, Size: 2 }),
      ),
    );
    expect(tooSmall).toMatchObject({ name: 'InvalidParameterValue', status: 400 });
  });

  it('checks the availability zone against the region', async () => {
    const error = await sdkError(
      target.client.send(new CreateVolumeCommand({ AvailabilityZone: 'mars-1a', Size: 1 })),
    );
    expect(error).toMatchObject({ name: 'InvalidParameterValue', status: 400 });
  });

  it('validates type-specific parameters', async () => {
    const iopsOnGp2 = await sdkError(
      target.client.send(
        new CreateVolumeCommand({ AvailabilityZone: target.az, Size: 1, VolumeType: 'gp2', Iops: 300 }),
      ),
    );
    expect(iopsOnGp2.name).toBe('InvalidParameterCombination');
    const kmsWithoutEncryption = await sdkError(
      target.client.send(
        new CreateVolumeCommand({ AvailabilityZone: target.az, Size: 1, KmsKeyId: 'alias/x' }),
      ),
    );
    expect(kmsWithoutEncryption.name).toBe('InvalidParameterDependency');
  });

  it('is idempotent per ClientToken and refuses a reused token with other parameters', async () => {
    const token = `restore-${Date.now()}`;
    const first = await target.client.send(
      new CreateVolumeCommand({ AvailabilityZone: target.az, Size: 1, ClientToken: token }),
    );
    const again = await target.client.send(
      new CreateVolumeCommand({ AvailabilityZone: target.az, Size: 1, ClientToken: token }),
    );
    expect(again.VolumeId).toBe(first.VolumeId);
    const mismatch = await sdkError(
      target.client.send(
        new CreateVolumeCommand({ AvailabilityZone: target.az, Size: 2, ClientToken: token }),
      ),
    );
    expect(mismatch).toMatchObject({ name: 'IdempotentParameterMismatch', status: 400 });
  });
});

describe('DescribeVolumes', () => {
  it('filters by tag:K, tag-key, status and volume-id', async () => {
    const marker = `m-${Date.now()}`;
    const tagged = await availableVolume({ marker, tier: 'gold' });
    await availableVolume({ marker: 'other' });
    const byTag = await target.client.send(
      new DescribeVolumesCommand({ Filters: [{ Name: 'tag:marker', Values: [marker] }] }),
    );
    expect(byTag.Volumes?.map((v) => v.VolumeId)).toEqual([tagged]);
    const byKeyAndStatus = await target.client.send(
      new DescribeVolumesCommand({
        Filters: [
          { Name: 'tag-key', Values: ['tier'] },
          { Name: 'status', Values: ['available'] },
          { Name: 'volume-id', Values: [tagged] },
        ],
      }),
    );
    expect(byKeyAndStatus.Volumes?.map((v) => v.VolumeId)).toEqual([tagged]);
  });

  it('answers InvalidVolume.NotFound for an unknown id', async () => {
    const error = await sdkError(
      target.client.send(new DescribeVolumesCommand({ VolumeIds: ['vol-0123456789abcdef0'] })),
    );
    expect(error).toMatchObject({ name: 'InvalidVolume.NotFound', status: 400 });
    expect(error.message).toContain('vol-0123456789abcdef0');
  });
});

describe('AttachVolume / DetachVolume / DeleteVolume', () => {
  it('attaches (attaching → attached, waitUntilVolumeInUse) and detaches back to available', async () => {
    const { instanceId } = await runningInstance();
    const volumeId = await availableVolume();
    const attach = await target.client.send(
      new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: instanceId, Device: '/dev/sdh' }),
    );
    expect(attach).toMatchObject({
      State: 'attaching',
      Device: '/dev/sdh',
      InstanceId: instanceId,
      VolumeId: volumeId,
    });
    await waitUntilVolumeInUse(target.waiter, { VolumeIds: [volumeId] });
    await eventually(async () => {
      const described = await target.client.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }));
      return described.Volumes?.[0]?.Attachments?.[0]?.State === 'attached' ? true : undefined;
    });

    const busy = await sdkError(target.client.send(new DeleteVolumeCommand({ VolumeId: volumeId })));
    expect(busy).toMatchObject({ name: 'VolumeInUse', status: 400 });
    const again = await sdkError(
      target.client.send(
        new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: instanceId, Device: '/dev/sdi' }),
      ),
    );
    expect(again.name).toBe('VolumeInUse');

    const detach = await target.client.send(
      new DetachVolumeCommand({ VolumeId: volumeId, InstanceId: instanceId }),
    );
    expect(detach.State).toBe('detaching');
    await waitUntilVolumeAvailable(target.waiter, { VolumeIds: [volumeId] });
    const described = await target.client.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }));
    expect(described.Volumes?.[0]?.Attachments).toEqual([]);
    await target.client.send(new DeleteVolumeCommand({ VolumeId: volumeId }));
    const gone = await sdkError(target.client.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] })));
    expect(gone.name).toBe('InvalidVolume.NotFound');
  });

  it('refuses a device already in use and a volume in another zone', async () => {
    const { instanceId } = await runningInstance();
    const volumeId = await availableVolume();
    const deviceInUse = await sdkError(
      target.client.send(
        new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: instanceId, Device: '/dev/sdf' }),
      ),
    );
    expect(deviceInUse).toMatchObject({ name: 'InvalidParameterValue', status: 400 });

    const elsewhere = await target.client.send(
      new CreateVolumeCommand({ AvailabilityZone: target.otherAz, Size: 1 }),
    );
    await waitUntilVolumeAvailable(target.waiter, { VolumeIds: [elsewhere.VolumeId ?? ''] });
    const zoneMismatch = await sdkError(
      target.client.send(
        new AttachVolumeCommand({ VolumeId: elsewhere.VolumeId, InstanceId: instanceId, Device: '/dev/sdk' }),
      ),
    );
    expect(zoneMismatch).toMatchObject({ name: 'InvalidVolume.ZoneMismatch', status: 400 });
  });

  it('refuses to detach a volume that is not attached, or from another instance', async () => {
    const first = await runningInstance();
    const second = await runningInstance();
    const loose = await availableVolume();
    const notAttached = await sdkError(target.client.send(new DetachVolumeCommand({ VolumeId: loose })));
    expect(notAttached).toMatchObject({ name: 'IncorrectState', status: 400 });

    const dataVolume = first.volumes.find((v) => v.device === '/dev/sdf')?.volumeId;
    const wrongInstance = await sdkError(
      target.client.send(new DetachVolumeCommand({ VolumeId: dataVolume, InstanceId: second.instanceId })),
    );
    expect(wrongInstance.status).toBe(400);
  });

  it('refuses to detach the root volume of a running instance, allows it once stopped', async () => {
    const { instanceId, volumes } = await runningInstance();
    const root = volumes.find((v) => v.device === '/dev/xvda')?.volumeId ?? '';
    const refused = await sdkError(target.client.send(new DetachVolumeCommand({ VolumeId: root })));
    expect(refused.status).toBe(400);

    await target.client.send(new StopInstancesCommand({ InstanceIds: [instanceId] }));
    await waitUntilInstanceStopped(target.waiter, { InstanceIds: [instanceId] });
    await target.client.send(new DetachVolumeCommand({ VolumeId: root, InstanceId: instanceId }));
    await waitUntilVolumeAvailable(target.waiter, { VolumeIds: [root] });

    // A restore can swap the root volume: attach a replacement at /dev/xvda and start again.
    const replacement = await availableVolume({}, 8);
    await target.client.send(
      new AttachVolumeCommand({ VolumeId: replacement, InstanceId: instanceId, Device: '/dev/xvda' }),
    );
    await waitUntilVolumeInUse(target.waiter, { VolumeIds: [replacement] });
    await target.client.send(new StartInstancesCommand({ InstanceIds: [instanceId] }));
    await waitUntilInstanceRunning(target.waiter, { InstanceIds: [instanceId] });
  });

  it.skipIf(AGAINST_AWS)('refuses to attach a volume that is still creating (IncorrectState)', async () => {
    const { instanceId } = await runningInstance();
    await target.control.configure({ timeScale: 1 });
    try {
      const creating = await target.client.send(
        new CreateVolumeCommand({ AvailabilityZone: target.az, Size: 1 }),
      );
      const error = await sdkError(
        target.client.send(
          new AttachVolumeCommand({
            VolumeId: creating.VolumeId,
            InstanceId: instanceId,
            Device: '/dev/sdz',
          }),
        ),
      );
      expect(error).toMatchObject({ name: 'IncorrectState', status: 400 });
    } finally {
      await target.control.configure({ timeScale: 0.0001 });
    }
  });
});
