import { beforeAll, describe, expect, it } from 'vitest';
import { CRASH_POINTS } from '../src/env.js';
import { snapshotProblems } from './harness/consistency.js';
import {
  CLEANUP_POINTS,
  completedBackups,
  crashAt,
  EXPIRE_POINTS,
  FIRE_POINTS,
  SCENARIO_TIMEOUT_MS,
  settled,
} from './harness/crash.js';
import { backupsOf, useSchedulerFleet, waitFor } from './harness/fleet.js';
import { stopTicks } from './harness/schedule-ticks.js';

// A scheduler process SIGKILLed at each step of a schedule's tick, another
// process taking over, a real worker process driving the backups, against
// Postgres and the EC2 emulator. The tick rotates an older scheduled backup out
// (keep_count 1), so every step of the tick has work behind it.

const fleet = useSchedulerFleet();
const EVERY_TWO_SECONDS = '*/2 * * * * *';

beforeAll(async () => {
  await fleet.startWorker();
});

it('every SCHEDULER_CRASH_AT point has a crash scenario in the crash-*.test.ts files', () => {
  expect([...FIRE_POINTS, ...EXPIRE_POINTS, ...CLEANUP_POINTS].sort()).toEqual([...CRASH_POINTS].sort());
});

describe.each(FIRE_POINTS)('a scheduler killed at %s', (point) => {
  it(
    'another process runs the killed tick again and finds its backup; no tick gets two backups, the rotated backup is deleted, and Postgres matches EC2',
    async () => {
      const em = fleet.em();
      const d = await fleet.seedDeployment({ plan: 'enterprise', limit: 100 });
      const [rotated] = await completedBackups(fleet, d, ['scheduled-seed'], 'scheduled');
      await em.execute(
        'insert into backup_schedules (deployment_id, cron, timezone, keep_count) values (?, ?, ?, 1)',
        [d, EVERY_TWO_SECONDS, 'UTC'],
      );

      const crasher = await crashAt(fleet, point);
      // It died inside its first tick, before logging it.
      expect(crasher.fired()).toEqual([]);
      const [killedTick] = await em.execute<{ idempotency_key: string; status: string }[]>(
        `select idempotency_key, status from backups where deployment_id = ? and name <> 'scheduled-seed' order by id`,
        [d],
      );
      expect(killedTick?.idempotency_key).toMatch(/^schedule:/);
      const killedJobId = killedTick?.idempotency_key.slice('schedule:'.length);
      // The tick rotated the seed out before the crash.
      expect((await backupsOf(em, d)).find((b) => b.id === rotated)?.status).toMatch(/^delet/);

      const rescuer = fleet.startSchedulerProcess();
      await waitFor(
        `the killed tick ${killedJobId} run again by the other process`,
        () => rescuer.fired().find((f) => f.jobId === killedJobId),
        120_000,
      );
      expect(rescuer.fired().find((f) => f.jobId === killedJobId)?.outcome).toBe('already-fired');

      await stopTicks(fleet, d);
      await settled('every backup settled and EC2 in line with Postgres', async () => {
        const unsettled = (await backupsOf(em, d)).filter(
          (b) => !['completed', 'deleted'].includes(b.status),
        );
        const problems = await snapshotProblems(em, (await fleet.emu.control.state()).snapshots);
        return [...unsettled.map((b) => `backup ${b.id} is ${b.status}`), ...problems];
      });

      const all = await backupsOf(em, d);
      expect(all.find((b) => b.id === rotated)?.status).toBe('deleted');
      const ticks = all.filter((b) => b.id !== rotated);
      // One backup per tick: names carry the tick's time, and no index forbids two with one name.
      expect(new Set(ticks.map((b) => b.name)).size).toBe(ticks.length);
      for (const b of ticks) expect(b.name).toMatch(/^scheduled-\d{4}-\d\d-\d\dT\d{5}[02468]Z$/);
      // The rescuer ran every tick after the crash once: it found no other tick already fired.
      expect(
        rescuer
          .fired()
          .filter((f) => f.outcome === 'already-fired')
          .map((f) => f.jobId),
      ).toEqual([killedJobId]);
      expect(rescuer.alive()).toBe(true);
      await rescuer.stop();
    },
    SCENARIO_TIMEOUT_MS,
  );
});
