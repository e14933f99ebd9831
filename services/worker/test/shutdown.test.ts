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

/** How long each CreateSnapshots call takes: long enough that a step is certainly in flight at SIGTERM. */
const CALL_MS = 2_000;

describe('SIGTERM', () => {
  it('with a step in flight: exits 0 on its own after the step returns, leaves no lease, and another worker finishes the handed-back operations', async () => {
    const em = fleet.em();
    const deps = [];
    for (let i = 0; i < 5; i++)
      deps.push(await seedDeployment(em, fleet.emu.endpoint, { volumesPerNode: 2 }));
    await fleet.emu.control.setLatency({ action: 'CreateSnapshots', ms: CALL_MS });
    // A shutdown timeout far above CALL_MS, so a busy machine cannot turn the graceful path into a cut-off one.
    const first = spawnWorker(
      workerEnv(fleet.env, { POLL_INTERVAL_MS: '200', SHUTDOWN_TIMEOUT_MS: '30000' }),
    );
    workers.push(first);
    for (const d of deps) await requestBackup(em, fleet.queues, d.deploymentId);
    // A step holds its operation's lease while it runs; CreateSnapshots keeps it for CALL_MS.
    await waitFor(
      'a step in flight',
      async () => {
        const r = await row<{ n: number }>(
          em,
          `select count(*)::int as n from operations where lease_owner is not null`,
        );
        return (r?.n ?? 0) > 0;
      },
      30_000,
      20,
    );
    // Stop the emulator's clock (a virtual second per ~12 real days): no snapshot can
    // complete now, so every backup is still unfinished when the worker has stopped.
    const { timeScale } = await fleet.emu.control.config();
    await fleet.emu.control.configure({ timeScale: 1e9 });

    // Exit code 0 is the graceful path: past SHUTDOWN_TIMEOUT_MS plus its close grace the
    // process exits 1 (src/main.ts), and a stop that hangs fails this test on its timeout.
    const exit = await first.stop();
    expect(exit, first.output()).toEqual({ code: 0, signal: null });
    // ...and its running steps returned rather than being cut off at SHUTDOWN_TIMEOUT_MS.
    expect(first.output()).not.toContain('shutdown timeout');
    // Nothing is left leased to the stopped process: the next worker need not wait for a lease to expire.
    const leased = await all<{ id: string }>(
      em,
      `select id::text from operations where lease_owner is not null`,
    );
    expect(leased).toEqual([]);
    const unfinished = await row<{ n: number }>(
      em,
      `select count(*)::int as n from operations where status in ('queued', 'running')`,
    );
    expect(unfinished?.n).toBe(deps.length);

    await fleet.emu.control.configure({ timeScale });
    await fleet.emu.control.setLatency({ action: 'CreateSnapshots', ms: 0 });
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
