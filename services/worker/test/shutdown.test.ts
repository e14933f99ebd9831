import { afterAll, describe, expect, it } from 'vitest';
import { assertConsistent } from './harness/checks.js';
import { all, row, useTestFleet } from './harness/fleet.js';
import { spawnWorker, type WorkerProcess, workerEnv } from './harness/processes.js';
import { requestBackup, seedDeployment } from './harness/seed.js';
import { waitFor } from './harness/wait.js';

const fleet = useTestFleet({ timeScale: 0.005 });
const workers: WorkerProcess[] = [];
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
});

describe('SIGTERM', () => {
  it('stops in bounded time mid-operation and hands the operations back for another worker', async () => {
    const em = fleet.em();
    const deps = [];
    for (let i = 0; i < 5; i++)
      deps.push(await seedDeployment(em, fleet.emu.endpoint, { volumesPerNode: 2 }));
    const first = spawnWorker(workerEnv(fleet.env, { POLL_INTERVAL_MS: '200' }));
    workers.push(first);
    for (const d of deps) await requestBackup(em, fleet.queues, d.deploymentId);
    await waitFor(
      'backups snapshotting',
      async () => {
        const r = await row<{ n: number }>(
          em,
          `select count(*)::int as n from backup_snapshots where snapshot_id is not null`,
        );
        return (r?.n ?? 0) >= 4;
      },
      30_000,
      50,
    );

    const started = Date.now();
    const exit = await first.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(5_000);
    // Nothing is left leased to the stopped process: the next worker need not wait for a lease to expire.
    const leased = await all<{ id: string }>(
      em,
      `select id::text from operations where lease_owner is not null`,
    );
    expect(leased).toEqual([]);

    workers.push(spawnWorker(workerEnv(fleet.env, { POLL_INTERVAL_MS: '50' })));
    await waitFor(
      'all backups completed',
      async () => {
        const r = await row<{ n: number }>(
          em,
          `select count(*)::int as n from backups where status <> 'completed'`,
        );
        return r?.n === 0;
      },
      60_000,
      100,
    );
    expect(await assertConsistent(em, await fleet.emu.control.state())).toEqual([]);
  });
});
