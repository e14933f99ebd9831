import { TAG_BACKUP } from '@backups/shared/ec2';
import { beforeAll, describe, expect, it } from 'vitest';
import { snapshotProblems } from './harness/consistency.js';
import { completedBackups, crashAt, EXPIRE_POINTS, SCENARIO_TIMEOUT_MS, settled } from './harness/crash.js';
import { backupsOf, useSchedulerFleet } from './harness/fleet.js';

// A scheduler process SIGKILLed at each step of the expiry job, another process
// taking over, a real worker process deleting snapshots, against Postgres and
// the EC2 emulator. Two backups expire at once, so a kill can fall between them.

const fleet = useSchedulerFleet();

beforeAll(async () => {
  await fleet.startWorker();
});

describe.each(EXPIRE_POINTS)('a scheduler killed at %s', (point) => {
  it(
    'loses no expiry: both expired backups end deleted with their snapshots gone from EC2, and Postgres matches EC2',
    async () => {
      const em = fleet.em();
      const d = await fleet.seedDeployment();
      const expired = await completedBackups(fleet, d, ['old-1', 'old-2']);
      const [kept] = await completedBackups(fleet, d, ['kept']);
      await em.execute(
        "update backups set expires_at = now() - interval '1 second' where id in (?, ?)",
        expired,
      );

      await crashAt(fleet, point);
      const afterCrash = await backupsOf(em, d);
      // The kill came after the marking: neither expired backup is still completed.
      for (const id of expired) expect(afterCrash.find((b) => b.id === id)?.status).toMatch(/^delet/);

      const rescuer = fleet.startSchedulerProcess();
      await settled('both expired backups deleted and EC2 in line with Postgres', async () => {
        const all = await backupsOf(em, d);
        const notDeleted = expired.filter((id) => all.find((b) => b.id === id)?.status !== 'deleted');
        const problems = await snapshotProblems(em, (await fleet.emu.control.state()).snapshots);
        return [...notDeleted.map((id) => `backup ${id} not deleted`), ...problems];
      });
      const snapshots = (await fleet.emu.control.state()).snapshots;
      for (const id of expired) expect(snapshots.filter((s) => s.tags[TAG_BACKUP] === id)).toEqual([]);
      expect((await backupsOf(em, d)).find((b) => b.id === kept)?.status).toBe('completed');
      expect(snapshots.filter((s) => s.tags[TAG_BACKUP] === kept)).toHaveLength(1);
      expect(rescuer.alive()).toBe(true);
      await rescuer.stop();
    },
    SCENARIO_TIMEOUT_MS,
  );
});
