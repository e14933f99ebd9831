import type { EC2Client, Tag } from '@aws-sdk/client-ec2';
import { MANAGED_BY_VALUE, TAG_BACKUP, TAG_MANAGED_BY, TAG_REPLACED_AT } from '@backups/shared/ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotProblems } from './harness/consistency.js';
import { CLEANUP_POINTS, completedBackups, crashAt, SCENARIO_TIMEOUT_MS, settled } from './harness/crash.js';
import { createSnapshot, createVolume, idsInEc2 } from './harness/ec2-resources.js';
import { useSchedulerFleet } from './harness/fleet.js';

// A scheduler process SIGKILLed at each step of the cleanup job, another
// process taking over, against Postgres and the EC2 emulator. Each scenario
// leaves two of each kind of deletable resource, so a kill can fall between
// them, beside resources the cleanup must never delete.

const fleet = useSchedulerFleet();
const NO_DELAY = { ORPHAN_SAFETY_DELAY_MINUTES: '0' };
let client: EC2Client;
let d: bigint;
let recordedSnapshot: string;
let currentVolume: string;

beforeAll(async () => {
  client = fleet.ec2Client();
  await fleet.startWorker();
  d = await fleet.seedDeployment();
  const [backup] = await completedBackups(fleet, d, ['recorded']);
  const [row] = await fleet
    .em()
    .execute<{ snapshot_id: string; volume_id: string }[]>(
      'select snapshot_id, volume_id from backup_snapshots where backup_id = ?',
      [backup],
    );
  recordedSnapshot = row?.snapshot_id ?? '';
  currentVolume = row?.volume_id ?? '';
});
afterAll(() => client?.destroy());

const MANAGED = { Key: TAG_MANAGED_BY, Value: MANAGED_BY_VALUE };

const volume = (tags: Tag[]) => createVolume(client, tags);
/** A snapshot of the node's volume. */
const snapshot = (tags: Tag[]) => createSnapshot(client, currentVolume, tags);

/** What one scenario leaves behind the service's back. */
async function litter() {
  const replacedAt = { Key: TAG_REPLACED_AT, Value: new Date(Date.now() - 25 * 3600_000).toISOString() };
  const orphanTag = { Key: TAG_BACKUP, Value: '987654321' }; // a backup that does not exist
  return {
    replacedVolumes: [await volume([MANAGED, replacedAt]), await volume([MANAGED, replacedAt])],
    orphanVolumes: [await volume([MANAGED]), await volume([MANAGED])],
    orphanSnapshots: [await snapshot([MANAGED, orphanTag]), await snapshot([MANAGED, orphanTag])],
    // Not ours: no managed-by tag, though two carry our other tags.
    foreignVolumes: [await volume([]), await volume([replacedAt])],
    foreignSnapshots: [await snapshot([]), await snapshot([orphanTag])],
  };
}

const present = () => idsInEc2(fleet.emu.control);

async function candidates(): Promise<string[]> {
  const rows = await fleet
    .em()
    .execute<{ resource_id: string }[]>('select resource_id from cleanup_candidates');
  return rows.map((r) => r.resource_id).sort();
}

describe.each(CLEANUP_POINTS)('a scheduler killed at %s', (point) => {
  it(
    'another process deletes every orphan and expired replaced volume, leaves no candidate behind, and touches nothing untagged or recorded',
    async () => {
      const l = await litter();
      const orphans = [...l.orphanVolumes, ...l.orphanSnapshots];

      await crashAt(fleet, point, NO_DELAY);
      // Where the kill fell, seen in EC2 and in the candidates table.
      const live = await present();
      const count = (ids: string[]) => ids.filter((id) => live.has(id)).length;
      const expected = {
        'cleanup:after-replaced-volume-delete': { replaced: 1, orphans: 4, candidates: [] as string[] },
        'cleanup:after-record-orphans': { replaced: 0, orphans: 4, candidates: [...orphans].sort() },
        'cleanup:after-orphan-delete': { replaced: 0, orphans: 3, candidates: [...orphans].sort() },
      }[point];
      expect({
        replaced: count(l.replacedVolumes),
        orphans: count(orphans),
        candidates: await candidates(),
      }).toEqual(expected);

      const rescuer = fleet.startSchedulerProcess(NO_DELAY);
      await settled('every orphan and replaced volume deleted, no candidate left', async () => {
        const now = await present();
        const left = [...l.replacedVolumes, ...orphans].filter((id) => now.has(id));
        return [
          ...left.map((id) => `${id} still in EC2`),
          ...(await candidates()).map((id) => `candidate ${id}`),
        ];
      });
      const after = await present();
      for (const id of [...l.foreignVolumes, ...l.foreignSnapshots, recordedSnapshot, currentVolume])
        expect(after.has(id), id).toBe(true);
      expect(await snapshotProblems(fleet.em(), (await fleet.emu.control.state()).snapshots)).toEqual([]);
      expect(rescuer.alive()).toBe(true);
      await rescuer.stop();
    },
    SCENARIO_TIMEOUT_MS,
  );
});
