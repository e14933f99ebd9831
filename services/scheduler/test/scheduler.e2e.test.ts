import { CreateTagsCommand, CreateVolumeCommand } from '@aws-sdk/client-ec2';
import { MANAGED_BY_VALUE, TAG_BACKUP, TAG_MANAGED_BY, TAG_REPLACED_AT } from '@backups/shared/ec2';
import { deleteSchedule, saveSchedule } from '@backups/shared/schedules';
import { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { scheduleJobId, upsertScheduleJob } from '../src/schedules/schedule-jobs.js';
import { createSnapshot } from './harness/ec2-resources.js';
import { backupsOf, REGION, useSchedulerFleet, waitFor } from './harness/fleet.js';
import { stopTicks, tickLedger } from './harness/schedule-ticks.js';

// The scheduler against real Postgres, Redis, the EC2 emulator and a real
// worker process. Schedules use a six-field cron (seconds) that
// the API would refuse, written straight into Postgres, so ticks come every
// two seconds instead of every fifteen minutes.

const fleet = useSchedulerFleet();
const FAST_CRON = '*/2 * * * * *';

async function addSchedule(deploymentId: bigint, cron = FAST_CRON) {
  await fleet
    .em()
    .execute('insert into backup_schedules (deployment_id, cron, timezone) values (?, ?, ?)', [
      deploymentId,
      cron,
      'UTC',
    ]);
}

async function wipeRedis() {
  // FLUSHALL, for this fleet: every key under its prefix (other test files share this Redis).
  const raw = new Redis(fleet.redis.url);
  let cursor = '0';
  do {
    const [next, keys] = await raw.scan(cursor, 'MATCH', `${fleet.redis.prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await raw.del(...keys);
  } while (cursor !== '0');
  await raw.quit();
}

describe('the scheduler', () => {
  beforeAll(async () => {
    await fleet.startWorker();
    // Two scheduler processes' worth of apps: they must never double-fire.
    await fleet.startScheduler();
    await fleet.startScheduler();
  });

  it('fires a schedule at its cron times; the scheduled backups complete, one per tick', async () => {
    const d = await fleet.seedDeployment({ plan: 'enterprise', limit: 100 });
    await addSchedule(d);
    const done = await waitFor(
      'three completed scheduled backups',
      async () => {
        const b = (await backupsOf(fleet.em(), d)).filter((x) => x.status === 'completed');
        return b.length >= 3 ? b : undefined;
      },
      30_000,
    );
    for (const b of done) expect(b.backup_type).toBe('scheduled');
    const until = await stopTicks(fleet, d);
    // One backup per tick, never two, though two schedulers run: every tick's job
    // made one backup under its own key, no backup came from anything else, and
    // no two share a name (names carry the tick's time; no index forbids it).
    const { completed, keys, backups } = await tickLedger(fleet, d);
    const keyOf = (t: { id: string }) => `schedule:${t.id}`;
    expect(completed.filter((t) => t.at <= until && !keys.includes(keyOf(t)))).toEqual([]);
    expect(keys.filter((k) => !completed.some((t) => keyOf(t) === k))).toEqual([]);
    expect(new Set(backups.map((b) => b.name)).size).toBe(backups.length);
    for (const b of backups) expect(b.name).toMatch(/^scheduled-\d{4}-\d\d-\d\dT\d{5}[02468]Z$/);
  });

  // The periodic sync (every 500 ms here) mirrors the same rows, so this checks the end
  // state, not which of the two did it; schedule-sync.test.ts checks the signal's function alone.
  it('mirrors a saved, disabled, re-enabled or deleted schedule into Redis after the API’s schedule.sync signal', async () => {
    const d = await fleet.seedDeployment();
    const mirrored = async () =>
      (await fleet.queues.queue('maintenance').getJobSchedulers(0, -1)).find(
        (s) => s.key === scheduleJobId(d),
      );
    const save = async (cron: string, enabled: boolean) => {
      await fleet.em().transactional((tx) =>
        saveSchedule(tx, d, {
          cron,
          timezone: 'Europe/Warsaw',
          nodeId: null,
          expiresInDays: null,
          keepCount: null,
          enabled,
        }),
      );
      await fleet.queues.enqueue('schedule.sync', { deploymentId: d.toString() });
    };

    await save('0 3 * * *', true);
    await waitFor('the schedule mirrored', async () => (await mirrored())?.pattern === '0 3 * * *');
    expect(await mirrored()).toMatchObject({ pattern: '0 3 * * *', tz: 'Europe/Warsaw' });

    await save('30 1 * * 1', false);
    await waitFor('the disabled schedule unmirrored', async () => (await mirrored()) === undefined);

    await save('15 2 * * *', true);
    await waitFor(
      'the re-enabled schedule mirrored',
      async () => (await mirrored())?.pattern === '15 2 * * *',
    );
    await fleet.em().transactional((tx) => deleteSchedule(tx, d));
    await fleet.queues.enqueue('schedule.sync', { deploymentId: d.toString() });
    await waitFor('the deleted schedule unmirrored', async () => (await mirrored()) === undefined);
  });

  it('rotates scheduled backups at the plan limit', async () => {
    const d = await fleet.seedDeployment({ plan: 'pro', limit: 2 });
    await addSchedule(d);
    await waitFor(
      'a scheduled backup rotated out',
      async () => (await backupsOf(fleet.em(), d)).some((b) => b.status === 'deleted'),
      30_000,
    );
    const limited = (await backupsOf(fleet.em(), d)).filter((b) =>
      ['pending', 'in_progress', 'completed'].includes(b.status),
    );
    expect(limited.length).toBeLessThanOrEqual(2);
    await fleet.em().execute('delete from backup_schedules where deployment_id = ?', [d]);
  });

  // Expiry is promised within a minute; EXPIRE_EVERY_MS (15 s by default, 500 ms here) holds that
  // promise, so the test waits for the deletion instead of timing it on a shared machine.
  it('deletes a backup once it expires, snapshots included', async () => {
    const d = await fleet.seedDeployment();
    const em = fleet.em();
    const [b] = await em.execute<{ id: string }[]>(
      `insert into backups (deployment_id, name, backup_type, status, region) values (?, 'short-lived', 'manual', 'pending', ?)
       returning id::text`,
      [d, REGION],
    );
    await em.execute("insert into operations (deployment_id, kind, backup_id) values (?, 'backup', ?)", [
      d,
      b?.id,
    ]);
    await fleet.queues.enqueue('operation.drive', { deploymentId: d.toString() });
    await waitFor('backup completed', async () => (await backupsOf(em, d))[0]?.status === 'completed');
    await em.execute("update backups set expires_at = now() + interval '1 second' where id = ?", [b?.id]);
    await waitFor(
      'expired backup deleted',
      async () => (await backupsOf(em, d))[0]?.status === 'deleted',
      60_000,
    );
    const state = await fleet.emu.control.state();
    expect(state.snapshots.filter((s) => s.tags[TAG_BACKUP] === b?.id)).toEqual([]);
  });

  it('after Redis loses everything, schedules and in-flight operations come back by themselves', async () => {
    const d = await fleet.seedDeployment({ plan: 'enterprise', limit: 100 });
    const em = fleet.em();
    // An operation in flight: a backup whose snapshots take a while.
    await fleet.emu.control.configure({ timeScale: 0.05 });
    const [b] = await em.execute<{ id: string }[]>(
      `insert into backups (deployment_id, name, backup_type, status, region) values (?, 'in-flight', 'manual', 'pending', ?)
       returning id::text`,
      [d, REGION],
    );
    await em.execute("insert into operations (deployment_id, kind, backup_id) values (?, 'backup', ?)", [
      d,
      b?.id,
    ]);
    await fleet.queues.enqueue('operation.drive', { deploymentId: d.toString() });
    await waitFor('backup in progress', async () => (await backupsOf(em, d))[0]?.status === 'in_progress');
    await em.execute('insert into backup_schedules (deployment_id, cron, timezone) values (?, ?, ?)', [
      d,
      '0 3 * * *',
      'UTC',
    ]);
    await upsertScheduleJob(fleet.queues.queue('maintenance'), {
      deploymentId: d,
      cron: '0 3 * * *',
      timezone: 'UTC',
      enabled: true,
    });

    await wipeRedis();
    await fleet.emu.control.configure({ timeScale: 0.0005 });

    // Nobody repeats a request: the schedulers' own timers and the reconciler restore everything.
    await waitFor(
      'schedule mirrored again',
      async () =>
        (await fleet.queues.queue('maintenance').getJobSchedulers(0, -1)).some(
          (s) => s.key === `backup-schedule-${d}` && s.pattern === '0 3 * * *',
        ),
      30_000,
    );
    await waitFor(
      'in-flight backup completed',
      async () => (await backupsOf(em, d))[0]?.status === 'completed',
      30_000,
    );
    await em.execute('delete from backup_schedules where deployment_id = ?', [d]);
  });

  // With the safety delay at 0; orphan-delay.test.ts checks the delay itself, both ways.
  it('with no safety delay, deletes our orphans and a replaced volume past its grace, and never touches untagged resources', async () => {
    const client = fleet.ec2Client();
    try {
      const d = await fleet.seedDeployment();
      const [vol] = await fleet
        .em()
        .execute<{ volume_id: string }[]>(
          'select v.volume_id from volumes v join nodes n on n.id = v.node_id where n.deployment_id = ?',
          [d],
        );
      const volumeId = vol?.volume_id ?? '';
      const ours = [
        { Key: TAG_MANAGED_BY, Value: MANAGED_BY_VALUE },
        { Key: TAG_BACKUP, Value: '987654321' }, // a backup that does not exist
      ];
      // Behind the service's back: a tagged orphan snapshot, an untagged snapshot, an orphan volume,
      // an untagged volume, and a volume a restore replaced long ago.
      const orphanSnap = { SnapshotId: await createSnapshot(client, volumeId, ours) };
      const foreignSnap = { SnapshotId: await createSnapshot(client, volumeId, []) };
      const orphanVol = await client.send(
        new CreateVolumeCommand({
          AvailabilityZone: `${REGION}a`,
          Size: 1,
          TagSpecifications: [
            { ResourceType: 'volume', Tags: [{ Key: TAG_MANAGED_BY, Value: MANAGED_BY_VALUE }] },
          ],
        }),
      );
      const foreignVol = await client.send(
        new CreateVolumeCommand({ AvailabilityZone: `${REGION}a`, Size: 1 }),
      );
      const replacedVol = await client.send(
        new CreateVolumeCommand({ AvailabilityZone: `${REGION}a`, Size: 1 }),
      );
      await client.send(
        new CreateTagsCommand({
          Resources: [replacedVol.VolumeId ?? ''],
          Tags: [
            { Key: TAG_MANAGED_BY, Value: MANAGED_BY_VALUE },
            { Key: TAG_REPLACED_AT, Value: new Date(Date.now() - 25 * 3600_000).toISOString() },
          ],
        }),
      );

      // A scheduler with no safety delay: orphans go on their second sighting at the latest.
      await fleet.startScheduler({ ORPHAN_SAFETY_DELAY_MINUTES: '0', CLEANUP_EVERY_MS: '300' });
      const gone = (
        id: string | undefined,
        list: { snapshotId?: string | null; volumeId?: string | null }[],
      ) => !list.some((x) => x.snapshotId === id || x.volumeId === id);
      await waitFor(
        'orphans and the expired replaced volume deleted',
        async () => {
          const s = await fleet.emu.control.state();
          return (
            gone(orphanSnap.SnapshotId, s.snapshots) &&
            gone(orphanVol.VolumeId, s.volumes) &&
            gone(replacedVol.VolumeId, s.volumes)
          );
        },
        30_000,
      );
      const s = await fleet.emu.control.state();
      expect(s.snapshots.some((x) => x.snapshotId === foreignSnap.SnapshotId)).toBe(true);
      expect(s.volumes.some((x) => x.volumeId === foreignVol.VolumeId)).toBe(true);
      expect(s.volumes.some((x) => x.volumeId === volumeId)).toBe(true);
    } finally {
      client.destroy();
    }
  });
});
