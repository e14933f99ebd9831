import {
  CreateSnapshotCommand,
  CreateTagsCommand,
  DetachVolumeCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { type RunningEc2Emulator, startEc2Emulator } from '@backups/ec2-emulator';
import { MANAGED_BY_VALUE, TAG_BACKUP, TAG_MANAGED_BY, TAG_REPLACED_AT } from '@backups/shared/ec2';
import { useTestDatabase } from '@backups/testing';
import type { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEc2 } from '../src/check-ec2.js';
import { checkAcceptedRequests } from '../src/check-requests.js';
import { ChaosDb } from '../src/db.js';
import { Ledger } from '../src/ledger.js';
import { Random } from '../src/random.js';
import { CREDENTIALS, type Seeded, seedTenant } from '../src/seed.js';

// The soak's end checks must be able to fail: each is shown a fleet with the
// defect it looks for (made through the public EC2 API and in Postgres), and
// a clean one.

const REGION = 'us-west-1';
const test = useTestDatabase();
let emulator: RunningEc2Emulator;
let ec2: EC2Client;
let db: ChaosDb;
let seeded: Seeded;

beforeAll(async () => {
  emulator = await startEc2Emulator({ port: 0, region: REGION, timeScale: 0.0005 });
  ec2 = new EC2Client({ region: REGION, endpoint: emulator.endpoint, credentials: CREDENTIALS });
  db = new ChaosDb(test.url, test.name);
  seeded = await seedTenant(() => test.orm.em.fork() as EntityManager, {
    endpoint: emulator.endpoint,
    region: REGION,
    count: 1,
    random: new Random(7),
  });
});
afterAll(async () => {
  await db?.close();
  ec2?.destroy();
  await emulator?.stop();
});

const deployment = () => seeded.deployments[0]?.id ?? '';

async function insertBackup(status: string, extra = ''): Promise<string> {
  const [row] = await db.rows<{ id: string }>(
    `insert into backups (deployment_id, name, backup_type, status, region${extra ? ', completed_at, size_bytes' : ''})
     values ($1, 'b', 'manual', $2, $3${extra}) returning id::text`,
    [deployment(), status, REGION],
  );
  return row?.id ?? '';
}

async function snapshot(volumeId: string, backupId: string): Promise<string> {
  for (;;) {
    try {
      const made = await ec2.send(
        new CreateSnapshotCommand({
          VolumeId: volumeId,
          TagSpecifications: [
            {
              ResourceType: 'snapshot',
              Tags: [
                { Key: TAG_MANAGED_BY, Value: MANAGED_BY_VALUE },
                { Key: TAG_BACKUP, Value: backupId },
              ],
            },
          ],
        }),
      );
      return made.SnapshotId ?? '';
    } catch (err) {
      // EBS spaces snapshots of one volume (a few ms at this time scale).
      if ((err as Error).name !== 'SnapshotCreationPerVolumeRateExceeded') throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

async function dataVolumes(): Promise<{ volumeId: string; nodeId: string; deviceName: string }[]> {
  return db.rows(
    'select v.volume_id as "volumeId", v.node_id::text as "nodeId", v.device_name as "deviceName" from volumes v order by v.id',
  );
}

describe('the chaos soak’s EC2 checks', () => {
  it('pass a freshly seeded fleet, then find an orphan, a duplicate, a detached volume and a loose volume without the cleanup tag', async () => {
    const clean = await checkEc2(db, await emulator.control.state());
    expect(clean).toMatchObject({
      snapshots: 0,
      orphanSnapshots: [],
      duplicateSnapshots: [],
      lostSnapshots: [],
      instanceProblems: [],
      untaggedLooseVolumes: [],
    });

    const [first] = await dataVolumes();
    if (!first) throw new Error('the seed made no data volume');
    const backupId = await insertBackup('completed', ', now(), 1');
    const recorded = await snapshot(first.volumeId, backupId);
    await db.rows(
      `insert into backup_snapshots (backup_id, node_id, volume_id, device_name, volume_size_gib, volume_type, snapshot_id, state)
       values ($1, $2, $3, $4, 8, 'gp3', $5, 'completed')`,
      [backupId, first.nodeId, first.volumeId, first.deviceName, recorded],
    );
    const second = await snapshot(first.volumeId, backupId);
    const stray = await snapshot(first.volumeId, '999999');
    await ec2.send(new DetachVolumeCommand({ VolumeId: first.volumeId }));
    let state = await emulator.control.state();
    while (state.volumes.find((v) => v.volumeId === first.volumeId)?.attachments.length) {
      await new Promise((r) => setTimeout(r, 20));
      state = await emulator.control.state();
    }

    const found = await checkEc2(db, state);
    expect(found.snapshots).toBe(3);
    expect(found.orphanSnapshots.map((s) => s.split(' ')[0]).sort()).toEqual([second, stray].sort());
    expect(found.duplicateSnapshots).toEqual([
      `backup ${backupId} volume ${first.volumeId}: ${[recorded, second].join(', ')}`,
    ]);
    expect(found.lostSnapshots).toEqual([]);
    expect(found.instanceProblems.join('\n')).toContain(`Postgres says ${first.volumeId}`);
    expect(found.untaggedLooseVolumes.map((v) => v.split(' ')[0])).toEqual([first.volumeId]);

    await ec2.send(
      new CreateTagsCommand({
        Resources: [first.volumeId],
        Tags: [
          { Key: TAG_MANAGED_BY, Value: MANAGED_BY_VALUE },
          { Key: TAG_REPLACED_AT, Value: new Date().toISOString() },
        ],
      }),
    );
    const tagged = await checkEc2(db, await emulator.control.state());
    expect(tagged.untaggedLooseVolumes).toEqual([]);
    expect(tagged.taggedForCleanup).toBe(1);
  });
});

describe('the chaos soak’s accepted-request check', () => {
  it('accepts the ends it expects and names a backup left pending, one deleted without a delete, a missing row and a schedule that differs', async () => {
    const ledger = new Ledger();
    const accept = (id: string) =>
      ledger.accept({ kind: 'backup', deploymentId: deployment(), id, nodeId: null, at: Date.now() });
    const completed = await insertBackup('completed', ', now(), 1');
    const failed = await insertBackup('failed');
    await db.rows('update backups set failure_reason = $2 where id = $1', [failed, 'EC2 said no']);
    const deletedAsAsked = await insertBackup('deleted');
    ledger.deleteSent.add(deletedAsAsked);
    const pending = await insertBackup('pending');
    const deletedUnasked = await insertBackup('deleted');
    for (const id of [completed, failed, deletedAsAsked, pending, deletedUnasked, '424242']) accept(id);
    ledger.scheduleSet(deployment(), {
      cron: '0 3 * * *',
      node_id: null,
      expires_in_days: null,
      keep_count: 3,
      enabled: true,
    });

    const outcomes = await checkAcceptedRequests(db, ledger, await emulator.control.state(), [deployment()]);
    expect(outcomes.problems).toEqual([
      `backup ${pending} of deployment ${deployment()}: ended pending`,
      `backup ${deletedUnasked} of deployment ${deployment()}: deleted, but no delete was sent for it`,
      `backup 424242 of deployment ${deployment()}: accepted, but Postgres has no such row`,
      expect.stringContaining(`schedule of deployment ${deployment()} is null`),
    ]);
    expect(Object.fromEntries(outcomes.byKind.get('backup') ?? [])).toEqual({
      completed: 1,
      failed: 1,
      deleted: 2,
      pending: 1,
    });
  });
});
