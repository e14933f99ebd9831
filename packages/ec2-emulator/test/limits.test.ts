import {
  CreateSnapshotCommand,
  CreateSnapshotsCommand,
  CreateVolumeCommand,
  DeleteSnapshotCommand,
  waitUntilVolumeAvailable,
} from '@aws-sdk/client-ec2';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, seedInstance } from '../src/index.js';
import { AGAINST_AWS, sdkError, seedDefaults, sleep, useTarget } from './harness.js';

// At 0.01 a 1 GiB snapshot stays pending ~660 ms and the 15 s per-volume spacing is 150 ms.
const target = useTarget({ timeScale: 0.01, timings: { volumeCreatingMs: 100 } });

async function newVolume(): Promise<string> {
  const volume = await target.client.send(new CreateVolumeCommand({ AvailabilityZone: target.az, Size: 1 }));
  await waitUntilVolumeAvailable(target.waiter, { VolumeIds: [volume.VolumeId ?? ''] });
  return volume.VolumeId ?? '';
}

describe.skipIf(AGAINST_AWS)('EBS snapshot limits', () => {
  beforeEach(async () => {
    await target.control.reset();
    await target.control.configure({ timeScale: 0.01, limits: DEFAULT_LIMITS });
  });

  it('allows 5 pending snapshots per volume, the 6th is ConcurrentSnapshotLimitExceeded', async () => {
    await target.control.configure({ limits: { snapshotIntervalPerVolumeMs: null } });
    const volumeId = await newVolume();
    for (let i = 0; i < 5; i++) await target.client.send(new CreateSnapshotCommand({ VolumeId: volumeId }));
    const error = await sdkError(target.client.send(new CreateSnapshotCommand({ VolumeId: volumeId })));
    expect(error).toMatchObject({ name: 'ConcurrentSnapshotLimitExceeded', status: 400 });
  });

  it('spaces snapshots of one volume (SnapshotCreationPerVolumeRateExceeded)', async () => {
    const volumeId = await newVolume();
    await target.client.send(new CreateSnapshotCommand({ VolumeId: volumeId }));
    const tooSoon = await sdkError(target.client.send(new CreateSnapshotCommand({ VolumeId: volumeId })));
    expect(tooSoon).toMatchObject({ name: 'SnapshotCreationPerVolumeRateExceeded', status: 400 });
    await sleep(160);
    await target.client.send(new CreateSnapshotCommand({ VolumeId: volumeId }));
  });

  it('applies the per-volume limits to CreateSnapshots too', async () => {
    const seeded = await seedInstance(target.client, {
      ...seedDefaults,
      az: target.az,
      dataVolumes: [{ device: '/dev/sdf', sizeGiB: 1 }],
    });
    await target.client.send(
      new CreateSnapshotsCommand({ InstanceSpecification: { InstanceId: seeded.instanceId } }),
    );
    const error = await sdkError(
      target.client.send(
        new CreateSnapshotsCommand({ InstanceSpecification: { InstanceId: seeded.instanceId } }),
      ),
    );
    expect(error.name).toBe('SnapshotCreationPerVolumeRateExceeded');
  });

  it('caps pending snapshots in the region (PendingSnapshotLimitExceeded)', async () => {
    await target.control.configure({ limits: { pendingSnapshotsPerRegion: 2 } });
    const volumes = [await newVolume(), await newVolume(), await newVolume()];
    await target.client.send(new CreateSnapshotCommand({ VolumeId: volumes[0] }));
    await target.client.send(new CreateSnapshotCommand({ VolumeId: volumes[1] }));
    const error = await sdkError(target.client.send(new CreateSnapshotCommand({ VolumeId: volumes[2] })));
    expect(error).toMatchObject({ name: 'PendingSnapshotLimitExceeded', status: 400 });
  });

  it('turns every limit off with limits: false', async () => {
    await target.control.configure({ limits: false });
    const volumeId = await newVolume();
    for (let i = 0; i < 8; i++) await target.client.send(new CreateSnapshotCommand({ VolumeId: volumeId }));
  });
});

describe.skipIf(AGAINST_AWS)('request throttling (token buckets)', () => {
  beforeEach(async () => {
    await target.control.reset();
    await target.control.configure({ limits: DEFAULT_LIMITS });
  });

  it('answers RequestLimitExceeded with HTTP 503 once the bucket is empty, and the SDK retries it', async () => {
    await target.control.configure({
      limits: { buckets: { DeleteSnapshot: { capacity: 2, refillPerSecond: 0.001 } } },
    });
    const unknown = 'snap-0123456789abcdef0';
    for (let i = 0; i < 2; i++) {
      const error = await sdkError(
        target.noRetryClient.send(new DeleteSnapshotCommand({ SnapshotId: unknown })),
      );
      expect(error.name).toBe('InvalidSnapshot.NotFound');
    }
    const throttled = await sdkError(
      target.noRetryClient.send(new DeleteSnapshotCommand({ SnapshotId: unknown })),
    );
    expect(throttled).toMatchObject({ name: 'RequestLimitExceeded', status: 503 });

    const retried = await sdkError(target.client.send(new DeleteSnapshotCommand({ SnapshotId: unknown })));
    expect(retried).toMatchObject({ name: 'RequestLimitExceeded', attempts: 3 });
    const calls = await target.control.calls();
    expect(calls.DeleteSnapshot).toEqual({
      total: 6,
      errors: { 'InvalidSnapshot.NotFound': 2, RequestLimitExceeded: 4 },
    });
  });

  it('refills over (scaled) time', async () => {
    // One token per 50 nominal seconds. The clock stands still (a virtual second per ~12
    // real days) while the bucket is emptied, so the second call cannot find it refilled
    // however slow the machine; then time runs again and the refill is awaited, not timed.
    await target.control.configure({
      limits: { buckets: { DeleteSnapshot: { capacity: 1, refillPerSecond: 0.02 } } },
    });
    const { timeScale } = await target.control.config();
    await target.control.configure({ timeScale: 1e9 });
    const unknown = 'snap-0123456789abcdef0';
    const deleteUnknown = async () =>
      (await sdkError(target.noRetryClient.send(new DeleteSnapshotCommand({ SnapshotId: unknown })))).name;
    expect(await deleteUnknown()).toBe('InvalidSnapshot.NotFound');
    expect(await deleteUnknown()).toBe('RequestLimitExceeded');
    await target.control.configure({ timeScale });
    let answer = 'RequestLimitExceeded';
    while (answer === 'RequestLimitExceeded') {
      await sleep(50);
      answer = await deleteUnknown();
    }
    expect(answer).toBe('InvalidSnapshot.NotFound');
  });

  it('retries injected throttles transparently: 2 throttles, then success, 3 calls counted', async () => {
    const seeded = await seedInstance(target.client, { ...seedDefaults, az: target.az, dataVolumes: [] });
    await target.control.injectFault({ action: 'CreateSnapshots', code: 'RequestLimitExceeded', count: 2 });
    const result = await target.client.send(
      new CreateSnapshotsCommand({ InstanceSpecification: { InstanceId: seeded.instanceId } }),
    );
    expect(result.Snapshots).toHaveLength(1);
    expect(result.$metadata.attempts).toBe(3);
    expect((await target.control.calls()).CreateSnapshots).toEqual({
      total: 3,
      errors: { RequestLimitExceeded: 2 },
    });
  });
});
