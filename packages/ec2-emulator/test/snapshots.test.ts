import {
  CreateSnapshotCommand,
  CreateSnapshotsCommand,
  CreateTagsCommand,
  CreateVolumeCommand,
  DeleteSnapshotCommand,
  DeleteTagsCommand,
  DescribeSnapshotsCommand,
  paginateDescribeSnapshots,
  type Snapshot,
  waitUntilSnapshotCompleted,
  waitUntilVolumeAvailable,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { seedInstance } from '../src/index.js';
import { AGAINST_AWS, eventually, sdkError, seedDefaults, sleep, useTarget } from './harness.js';

// Slow enough that a snapshot's progress can be watched (a 1 GiB snapshot takes ~66 ms).
const target = useTarget({ timeScale: 0.001 });

async function describeOne(snapshotId: string): Promise<Snapshot> {
  const result = await target.client.send(new DescribeSnapshotsCommand({ SnapshotIds: [snapshotId] }));
  const snapshot = result.Snapshots?.[0];
  if (!snapshot) throw new Error(`snapshot ${snapshotId} not described`);
  return snapshot;
}

async function newVolume(tags: Record<string, string> = {}): Promise<string> {
  const volume = await target.client.send(
    new CreateVolumeCommand({
      AvailabilityZone: target.az,
      Size: 1,
      TagSpecifications: [
        { ResourceType: 'volume', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
      ],
    }),
  );
  await waitUntilVolumeAvailable(target.waiter, { VolumeIds: [volume.VolumeId ?? ''] });
  return volume.VolumeId ?? '';
}

describe('CreateSnapshot', () => {
  it('starts pending with growing progress, then completes with its full size', async () => {
    const volumeId = await newVolume();
    const created = await target.client.send(
      new CreateSnapshotCommand({
        VolumeId: volumeId,
        Description: 'nightly',
        TagSpecifications: [{ ResourceType: 'snapshot', Tags: [{ Key: 'backup', Value: 'b-1' }] }],
      }),
    );
    expect(created).toMatchObject({
      State: 'pending',
      VolumeId: volumeId,
      VolumeSize: 1,
      Description: 'nightly',
      OwnerId: expect.stringMatching(/^\d{12}$/),
      Encrypted: false,
      Tags: [{ Key: 'backup', Value: 'b-1' }],
    });
    expect(created.StartTime).toBeInstanceOf(Date);
    expect(created.Progress).toMatch(/^\d{1,2}%$/);

    const seen = new Set<string>();
    const completed = await eventually(async () => {
      const snapshot = await describeOne(created.SnapshotId ?? '');
      seen.add(snapshot.Progress ?? '');
      return snapshot.State === 'completed' ? snapshot : undefined;
    });
    expect(completed.Progress).toBe('100%');
    expect(typeof completed.FullSnapshotSizeInBytes).toBe('number');
    if (!AGAINST_AWS) expect(seen.size).toBeGreaterThan(2);
  });

  it('answers InvalidVolume.NotFound for an unknown volume', async () => {
    const error = await sdkError(
      target.client.send(new CreateSnapshotCommand({ VolumeId: 'vol-0123456789abcdef0' })),
    );
    expect(error).toMatchObject({ name: 'InvalidVolume.NotFound', status: 400 });
  });
});

describe('CreateSnapshots', () => {
  it('snapshots every volume of an instance, honouring exclusions and copying volume tags', async () => {
    const seeded = await seedInstance(target.client, {
      ...seedDefaults,
      az: target.az,
      dataVolumes: [
        { device: '/dev/sdf', sizeGiB: 1 },
        { device: '/dev/sdg', sizeGiB: 2 },
        { device: '/dev/sdh', sizeGiB: 1 },
      ],
      tags: { tenant: 'acme' },
    });
    const excluded = seeded.volumes.find((v) => v.device === '/dev/sdh')?.volumeId ?? '';
    const result = await target.client.send(
      new CreateSnapshotsCommand({
        InstanceSpecification: {
          InstanceId: seeded.instanceId,
          ExcludeBootVolume: true,
          ExcludeDataVolumeIds: [excluded],
        },
        Description: 'multi-volume',
        CopyTagsFromSource: 'volume',
        TagSpecifications: [{ ResourceType: 'snapshot', Tags: [{ Key: 'backup', Value: 'b-2' }] }],
      }),
    );
    const snapshots = result.Snapshots ?? [];
    const expectedVolumes = seeded.volumes.filter((v) => v.device === '/dev/sdf' || v.device === '/dev/sdg');
    expect(snapshots.map((s) => s.VolumeId).sort()).toEqual(expectedVolumes.map((v) => v.volumeId).sort());
    for (const snapshot of snapshots) {
      expect(snapshot).toMatchObject({ State: 'pending', Description: 'multi-volume' });
      expect(snapshot.Tags).toEqual(
        expect.arrayContaining([
          { Key: 'tenant', Value: 'acme' },
          { Key: 'backup', Value: 'b-2' },
        ]),
      );
    }
    // Crash-consistent set: one start time for all.
    expect(new Set(snapshots.map((s) => s.StartTime?.toISOString())).size).toBe(1);
    await waitUntilSnapshotCompleted(target.waiter, {
      SnapshotIds: snapshots.map((s) => s.SnapshotId ?? ''),
    });
  });

  it('refuses to exclude the root volume through ExcludeDataVolumeIds', async () => {
    const seeded = await seedInstance(target.client, { ...seedDefaults, az: target.az, dataVolumes: [] });
    const root = seeded.volumes[0]?.volumeId ?? '';
    const error = await sdkError(
      target.client.send(
        new CreateSnapshotsCommand({
          InstanceSpecification: { InstanceId: seeded.instanceId, ExcludeDataVolumeIds: [root] },
        }),
      ),
    );
    expect(error.status).toBe(400);
  });

  it('answers InvalidInstanceID.NotFound for an unknown instance', async () => {
    const error = await sdkError(
      target.client.send(
        new CreateSnapshotsCommand({ InstanceSpecification: { InstanceId: 'i-0123456789abcdef0' } }),
      ),
    );
    expect(error).toMatchObject({ name: 'InvalidInstanceID.NotFound', status: 400 });
  });
});

describe('DescribeSnapshots', () => {
  it('filters by tag:K, tag-key, volume-id, status and snapshot-id, for OwnerIds self', async () => {
    const marker = `m-${Date.now()}`;
    const volumeId = await newVolume();
    const snapshot = await target.client.send(
      new CreateSnapshotCommand({
        VolumeId: volumeId,
        TagSpecifications: [{ ResourceType: 'snapshot', Tags: [{ Key: 'marker', Value: marker }] }],
      }),
    );
    const id = snapshot.SnapshotId ?? '';
    const query = async (filters: { Name: string; Values: string[] }[], owners = ['self']) =>
      (
        await target.client.send(new DescribeSnapshotsCommand({ OwnerIds: owners, Filters: filters }))
      ).Snapshots?.map((s) => s.SnapshotId);
    expect(await query([{ Name: 'tag:marker', Values: [marker] }])).toEqual([id]);
    expect(
      await query([
        { Name: 'tag-key', Values: ['marker'] },
        { Name: 'volume-id', Values: [volumeId] },
      ]),
    ).toEqual([id]);
    expect(
      await query([
        { Name: 'snapshot-id', Values: [id] },
        { Name: 'status', Values: ['pending', 'completed'] },
      ]),
    ).toEqual([id]);
    expect(await query([{ Name: 'tag:marker', Values: ['nope'] }])).toEqual([]);
  });

  it('paginates with MaxResults/NextToken and refuses MaxResults with SnapshotIds', async () => {
    const marker = `page-${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const volumeId = await newVolume();
      const snapshot = await target.client.send(
        new CreateSnapshotCommand({
          VolumeId: volumeId,
          TagSpecifications: [{ ResourceType: 'snapshot', Tags: [{ Key: 'page', Value: marker }] }],
        }),
      );
      ids.push(snapshot.SnapshotId ?? '');
    }
    const first = await target.client.send(
      new DescribeSnapshotsCommand({
        OwnerIds: ['self'],
        Filters: [{ Name: 'tag:page', Values: [marker] }],
        MaxResults: 5,
      }),
    );
    expect(first.Snapshots).toHaveLength(5);
    expect(first.NextToken).toBeTruthy();

    const all: string[] = [];
    for await (const page of paginateDescribeSnapshots(
      { client: target.client, pageSize: 5 },
      { OwnerIds: ['self'], Filters: [{ Name: 'tag:page', Values: [marker] }] },
    )) {
      all.push(...(page.Snapshots ?? []).map((s) => s.SnapshotId ?? ''));
    }
    expect(all.sort()).toEqual([...ids].sort());

    const combined = await sdkError(
      target.client.send(new DescribeSnapshotsCommand({ SnapshotIds: [ids[0] ?? ''], MaxResults: 5 })),
    );
    expect(combined).toMatchObject({ name: 'InvalidParameterCombination', status: 400 });
  });

  it('answers InvalidSnapshot.NotFound for an unknown id', async () => {
    const error = await sdkError(
      target.client.send(new DescribeSnapshotsCommand({ SnapshotIds: ['snap-0123456789abcdef0'] })),
    );
    expect(error).toMatchObject({ name: 'InvalidSnapshot.NotFound', status: 400 });
  });
});

describe('DeleteSnapshot, CreateTags, DeleteTags', () => {
  it('deletes a snapshot; deleting it again is InvalidSnapshot.NotFound', async () => {
    const volumeId = await newVolume();
    const snapshot = await target.client.send(new CreateSnapshotCommand({ VolumeId: volumeId }));
    await waitUntilSnapshotCompleted(target.waiter, { SnapshotIds: [snapshot.SnapshotId ?? ''] });
    await target.client.send(new DeleteSnapshotCommand({ SnapshotId: snapshot.SnapshotId }));
    const again = await sdkError(
      target.client.send(new DeleteSnapshotCommand({ SnapshotId: snapshot.SnapshotId })),
    );
    expect(again).toMatchObject({ name: 'InvalidSnapshot.NotFound', status: 400 });
  });

  it('adds, overwrites and removes tags', async () => {
    const volumeId = await newVolume();
    const snapshot = await target.client.send(new CreateSnapshotCommand({ VolumeId: volumeId }));
    const id = snapshot.SnapshotId ?? '';
    await target.client.send(
      new CreateTagsCommand({
        Resources: [id, volumeId],
        Tags: [
          { Key: 'a', Value: '1' },
          { Key: 'b', Value: '2' },
          { Key: 'c', Value: '' },
        ],
      }),
    );
    await target.client.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'a', Value: '9' }] }));
    await target.client.send(
      new DeleteTagsCommand({
        Resources: [id],
        Tags: [{ Key: 'b', Value: 'not-2' }, { Key: 'c', Value: '' }, { Key: 'zzz' }],
      }),
    );
    const tags = (await describeOne(id)).Tags ?? [];
    expect(tags.sort((x, y) => (x.Key ?? '').localeCompare(y.Key ?? ''))).toEqual([
      { Key: 'a', Value: '9' },
      { Key: 'b', Value: '2' },
    ]);
    await target.client.send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: 'b' }] }));
    expect((await describeOne(id)).Tags).toEqual([{ Key: 'a', Value: '9' }]);

    const unknown = await sdkError(
      target.client.send(
        new CreateTagsCommand({ Resources: ['snap-0123456789abcdef0'], Tags: [{ Key: 'a', Value: 'b' }] }),
      ),
    );
    expect(unknown.name).toBe('InvalidSnapshot.NotFound');
  });
});

describe.skipIf(AGAINST_AWS)('failed snapshots (emulator fault injection)', () => {
  it('moves a snapshot to error with a StateMessage', async () => {
    const volumeId = await newVolume();
    const snapshot = await target.client.send(new CreateSnapshotCommand({ VolumeId: volumeId }));
    await sleep(5);
    await target.control.failResource({ id: snapshot.SnapshotId ?? '', message: 'EBS internal failure' });
    const failed = await describeOne(snapshot.SnapshotId ?? '');
    expect(failed).toMatchObject({ State: 'error', StateMessage: 'EBS internal failure' });
    expect(failed.FullSnapshotSizeInBytes).toBeUndefined();
    const waited = await sdkError(
      waitUntilSnapshotCompleted(target.waiter, { SnapshotIds: [snapshot.SnapshotId ?? ''] }),
    );
    expect(waited.message).toMatch(/FAILURE/);
  });
});
