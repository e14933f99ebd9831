import {
  AttachVolumeCommand,
  CreateVolumeCommand,
  DeleteVolumeCommand,
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  waitUntilInstanceRunning,
  waitUntilInstanceStopped,
  waitUntilInstanceTerminated,
  waitUntilVolumeAvailable,
  waitUntilVolumeInUse,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { seedInstance } from '../src/index.js';
import { AGAINST_AWS, sdkError, seedDefaults, useTarget } from './harness.js';

const target = useTarget({ timeScale: 0.0001 });

describe('RunInstances / DescribeInstances', () => {
  it('launches with a /dev/xvda root plus the mapped data volumes, attached and tagged', async () => {
    const seeded = await seedInstance(target.client, {
      ...seedDefaults,
      az: target.az,
      dataVolumes: [
        { device: '/dev/sdf', sizeGiB: 20, type: 'gp3', iops: 4000, throughput: 250 },
        { device: '/dev/sdg', sizeGiB: 10, type: 'io2', iops: 1000, encrypted: true },
      ],
      tags: { tenant: 'acme', deployment: 'd-1' },
    });
    expect(seeded.volumes.map((v) => v.device)).toEqual(['/dev/xvda', '/dev/sdf', '/dev/sdg']);

    const described = await target.client.send(
      new DescribeInstancesCommand({ InstanceIds: [seeded.instanceId] }),
    );
    const instance = described.Reservations?.[0]?.Instances?.[0];
    expect(instance?.RootDeviceName).toBe('/dev/xvda');
    expect(instance?.Placement?.AvailabilityZone).toBe(target.az);
    expect(instance?.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'tenant', Value: 'acme' },
        { Key: 'deployment', Value: 'd-1' },
      ]),
    );
    expect(instance?.BlockDeviceMappings?.map((m) => [m.DeviceName, m.Ebs?.Status])).toEqual([
      ['/dev/xvda', 'attached'],
      ['/dev/sdf', 'attached'],
      ['/dev/sdg', 'attached'],
    ]);

    const volumes = await target.client.send(
      new DescribeVolumesCommand({
        Filters: [{ Name: 'attachment.instance-id', Values: [seeded.instanceId] }],
      }),
    );
    const byDevice = new Map(volumes.Volumes?.map((v) => [v.Attachments?.[0]?.Device, v]));
    expect(byDevice.get('/dev/sdf')).toMatchObject({
      Size: 20,
      VolumeType: 'gp3',
      Iops: 4000,
      Throughput: 250,
      State: 'in-use',
      AvailabilityZone: target.az,
    });
    expect(byDevice.get('/dev/sdg')).toMatchObject({ VolumeType: 'io2', Iops: 1000, Encrypted: true });
    expect(byDevice.get('/dev/sdg')?.KmsKeyId).toMatch(/^arn:aws:kms:/);
    expect(byDevice.get('/dev/sdf')?.Attachments?.[0]?.DeleteOnTermination).toBe(true);
    expect(byDevice.get('/dev/sdf')?.Tags).toEqual(
      expect.arrayContaining([{ Key: 'tenant', Value: 'acme' }]),
    );
  });

  it('goes pending → running (waitUntilInstanceRunning) and filters by state and tag', async () => {
    const { instanceId } = await seedInstance(target.client, {
      ...seedDefaults,
      az: target.az,
      dataVolumes: [],
      tags: { role: 'web' },
    });
    await waitUntilInstanceRunning(target.waiter, { InstanceIds: [instanceId] });
    const running = await target.client.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: 'instance-state-name', Values: ['running'] },
          { Name: 'tag:role', Values: ['web'] },
        ],
      }),
    );
    const ids = running.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId);
    expect(ids).toContain(instanceId);
    const none = await target.client.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: 'instance-id', Values: [instanceId] },
          { Name: 'tag:role', Values: ['db'] },
        ],
      }),
    );
    expect(none.Reservations).toEqual([]);
  });

  it('stops and starts with stopping → stopped and pending → running', async () => {
    const { instanceId } = await seedInstance(target.client, {
      ...seedDefaults,
      az: target.az,
      dataVolumes: [],
    });
    await waitUntilInstanceRunning(target.waiter, { InstanceIds: [instanceId] });

    const stop = await target.client.send(new StopInstancesCommand({ InstanceIds: [instanceId] }));
    expect(stop.StoppingInstances?.[0]).toMatchObject({
      InstanceId: instanceId,
      PreviousState: { Code: 16, Name: 'running' },
      CurrentState: { Code: 64, Name: 'stopping' },
    });
    await waitUntilInstanceStopped(target.waiter, { InstanceIds: [instanceId] });

    const start = await target.client.send(new StartInstancesCommand({ InstanceIds: [instanceId] }));
    expect(start.StartingInstances?.[0]).toMatchObject({
      PreviousState: { Name: 'stopped' },
      CurrentState: { Code: 0, Name: 'pending' },
    });
    await waitUntilInstanceRunning(target.waiter, { InstanceIds: [instanceId] });
  });

  it.skipIf(AGAINST_AWS)('refuses to stop a pending instance and to start a stopping one', async () => {
    await target.control.configure({ timeScale: 1 });
    try {
      const { instanceId } = await seedInstance(target.client, {
        ...seedDefaults,
        az: target.az,
        dataVolumes: [],
      });
      const stopPending = await sdkError(
        target.client.send(new StopInstancesCommand({ InstanceIds: [instanceId] })),
      );
      expect(stopPending).toMatchObject({ name: 'IncorrectInstanceState', status: 400 });
      expect(stopPending.message).toContain(instanceId);

      await target.control.configure({ timeScale: 0.0001 });
      await waitUntilInstanceRunning(target.waiter, { InstanceIds: [instanceId] });
      await target.control.configure({ timeScale: 1 });
      await target.client.send(new StopInstancesCommand({ InstanceIds: [instanceId] }));
      const startStopping = await sdkError(
        target.client.send(new StartInstancesCommand({ InstanceIds: [instanceId] })),
      );
      expect(startStopping).toMatchObject({ name: 'IncorrectInstanceState', status: 400 });
    } finally {
      await target.control.configure({ timeScale: 0.0001 });
    }
  });

  it('terminates: shutting-down → terminated, DeleteOnTermination volumes go, others are detached', async () => {
    const seeded = await seedInstance(target.client, {
      ...seedDefaults,
      az: target.az,
      dataVolumes: [{ device: '/dev/sdf', sizeGiB: 1 }],
    });
    await waitUntilInstanceRunning(target.waiter, { InstanceIds: [seeded.instanceId] });
    const kept = await target.client.send(new CreateVolumeCommand({ AvailabilityZone: target.az, Size: 1 }));
    await waitUntilVolumeAvailable(target.waiter, { VolumeIds: [kept.VolumeId ?? ''] });
    await target.client.send(
      new AttachVolumeCommand({ VolumeId: kept.VolumeId, InstanceId: seeded.instanceId, Device: '/dev/sdk' }),
    );
    await waitUntilVolumeInUse(target.waiter, { VolumeIds: [kept.VolumeId ?? ''] });

    const terminated = await target.client.send(
      new TerminateInstancesCommand({ InstanceIds: [seeded.instanceId] }),
    );
    expect(terminated.TerminatingInstances?.[0]?.CurrentState).toEqual({ Code: 32, Name: 'shutting-down' });
    await waitUntilInstanceTerminated(target.waiter, { InstanceIds: [seeded.instanceId] });
    await waitUntilVolumeAvailable(target.waiter, { VolumeIds: [kept.VolumeId ?? ''] });
    const gone = await sdkError(
      target.client.send(new DescribeVolumesCommand({ VolumeIds: seeded.volumes.map((v) => v.volumeId) })),
    );
    expect(gone.name).toBe('InvalidVolume.NotFound');
    const start = await sdkError(
      target.client.send(new StartInstancesCommand({ InstanceIds: [seeded.instanceId] })),
    );
    expect(start.name).toBe('IncorrectInstanceState');
    await target.client.send(new DeleteVolumeCommand({ VolumeId: kept.VolumeId }));
  });

  it('answers InvalidInstanceID.NotFound for an unknown instance', async () => {
    const error = await sdkError(
      target.client.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })),
    );
    expect(error).toMatchObject({ name: 'InvalidInstanceID.NotFound', status: 400 });
  });

  it('refuses an availability zone outside the region', async () => {
    const error = await sdkError(
      seedInstance(target.client, { ...seedDefaults, az: 'eu-west-1a', dataVolumes: [] }),
    );
    expect(error.status).toBe(400);
  });
});
