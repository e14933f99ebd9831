import type { EC2Client } from '@aws-sdk/client-ec2';
import { Ec2Adapter, MANAGED_BY_VALUE, TAG_BACKUP, TAG_MANAGED_BY } from '@backups/shared/ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupRegion } from '../src/maintenance/cleanup.js';
import { createSnapshot, createVolume, idsInEc2 } from './harness/ec2-resources.js';
import { REGION, useSchedulerFleet } from './harness/fleet.js';

// The orphan safety delay, both ways, against real Postgres and the EC2
// emulator. Its clock is the cleanup's first sighting of an orphan (kept in
// Postgres), not EC2's creation time, so the test moves the cleanup's `now`
// forward instead of sleeping for an hour.

const fleet = useSchedulerFleet();
const HOUR = 3600_000;
const opts = { graceMs: 24 * HOUR, safetyDelayMs: HOUR };
let client: EC2Client;
let ec2: Ec2Adapter;
let nodeVolume: string;

beforeAll(async () => {
  client = fleet.ec2Client();
  ec2 = new Ec2Adapter({
    region: REGION,
    endpoint: fleet.emu.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const d = await fleet.seedDeployment();
  const [v] = await fleet
    .em()
    .execute<{ volume_id: string }[]>(
      'select v.volume_id from volumes v join nodes n on n.id = v.node_id where n.deployment_id = ?',
      [d],
    );
  nodeVolume = v?.volume_id ?? '';
});
afterAll(() => {
  client?.destroy();
  ec2?.destroy();
});

// Tagged as ours for a backup id no backup has (yet): what a worker's fresh, not yet recorded snapshot looks like.
const MANAGED = { Key: TAG_MANAGED_BY, Value: MANAGED_BY_VALUE };
const OURS = [MANAGED, { Key: TAG_BACKUP, Value: '987654321' }];
const taggedSnapshot = () => createSnapshot(client, nodeVolume, OURS);
const taggedVolume = () => createVolume(client, [MANAGED]);
const inEc2 = () => idsInEc2(fleet.emu.control);

describe('the orphan safety delay (one hour)', () => {
  it('spares a tagged snapshot and volume first seen under an hour ago, and deletes ones first seen an hour ago', async () => {
    const t0 = new Date('2026-11-28T12:00:00Z');
    const at = (ms: number) => new Date(t0.getTime() + ms);
    const old = [await taggedSnapshot(), await taggedVolume()];

    // First sighting: recorded as candidates, nothing deleted.
    const first = await cleanupRegion(fleet.em(), ec2, { ...opts, now: t0 });
    expect(first).toMatchObject({ orphanSnapshotsDeleted: [], orphanVolumesDeleted: [], candidates: 2 });

    // Young ones appear just before the old ones come of age.
    const young = [await taggedSnapshot(), await taggedVolume()];
    const second = await cleanupRegion(fleet.em(), ec2, { ...opts, now: at(HOUR) });
    expect(second).toMatchObject({
      orphanSnapshotsDeleted: [old[0]],
      orphanVolumesDeleted: [old[1]],
      candidates: 2,
    });
    let live = await inEc2();
    for (const id of old) expect(live.has(id), id).toBe(false);
    for (const id of young) expect(live.has(id), id).toBe(true);

    // A minute short of their hour, the young ones are still spared.
    const third = await cleanupRegion(fleet.em(), ec2, { ...opts, now: at(2 * HOUR - 60_000) });
    expect(third).toMatchObject({ orphanSnapshotsDeleted: [], orphanVolumesDeleted: [], candidates: 2 });
    live = await inEc2();
    for (const id of young) expect(live.has(id), id).toBe(true);

    // Their hour is up.
    const fourth = await cleanupRegion(fleet.em(), ec2, { ...opts, now: at(2 * HOUR) });
    expect(fourth).toMatchObject({ orphanSnapshotsDeleted: [young[0]], orphanVolumesDeleted: [young[1]] });
    live = await inEc2();
    for (const id of young) expect(live.has(id), id).toBe(false);
    expect(live.has(nodeVolume)).toBe(true);
  });
});
