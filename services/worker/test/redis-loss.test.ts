import { reconcile } from '@backups/shared/jobs';
import { afterAll, describe, expect, it } from 'vitest';
import { assertConsistent } from './harness/checks.js';
import { all, row, useTestFleet } from './harness/fleet.js';
import { spawnWorker, type WorkerProcess, workerEnv } from './harness/processes.js';
import { requestBackup, requestDelete, requestRestore, seedDeployment } from './harness/seed.js';
import { waitFor } from './harness/wait.js';

// Snapshots take ~0.4 s here so that plenty is in flight when Redis loses its data.
const fleet = useTestFleet({ timeScale: 0.005 });
const workers: WorkerProcess[] = [];
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
});

/**
 * What FLUSHALL does to one fleet: every key under its prefix (queues, jobs,
 * dedup keys, the EC2 rate-limit bucket) is gone. Other engineers' tests share
 * this Redis, so only this file's prefix is wiped rather than the whole server.
 */
async function flushFleetKeys(): Promise<number> {
  const redis = fleet.redis.connection();
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${fleet.redis.prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}

describe('Redis data loss', () => {
  it('loses no work: the reconciler re-drives what Postgres holds as unfinished', async () => {
    const em = fleet.em();
    const deps = [];
    for (let i = 0; i < 10; i++)
      deps.push(await seedDeployment(em, fleet.emu.endpoint, { nodes: 1, volumesPerNode: 2 }));
    workers.push(
      spawnWorker(workerEnv(fleet.env, { POLL_INTERVAL_MS: '100' })),
      spawnWorker(workerEnv(fleet.env, { POLL_INTERVAL_MS: '100' })),
    );
    const first: bigint[] = [];
    for (const d of deps) {
      const a = await requestBackup(em, fleet.queues, d.deploymentId);
      first.push(a.backupId);
      await requestRestore(em, fleet.queues, d.deploymentId, a.backupId);
      await requestBackup(em, fleet.queues, d.deploymentId);
    }
    // Mid-flight: some backups done, others still running.
    await waitFor(
      'work in flight',
      async () => {
        const r = await row<{ done: number; running: number }>(
          em,
          `select count(*) filter (where status = 'succeeded')::int as done, count(*) filter (where status = 'running')::int as running from operations`,
        );
        return r && r.done >= 3 && r.running >= 2;
      },
      60_000,
      50,
    );
    // A delete whose signal will be lost too (of a backup no queued restore needs, as the API requires).
    const doomed = first[0] ?? 0n;
    await waitFor(
      'first restore done',
      async () =>
        (
          await row<{ status: string }>(em, `select status from restores where backup_id = ?`, [
            doomed.toString(),
          ])
        )?.status === 'completed',
      30_000,
      50,
    );
    await requestDelete(em, fleet.queues, doomed);
    // The rest may all have finished by now on a fast machine. With the emulator's
    // clock stopped (a virtual second per ~12 real days) one more backup cannot
    // finish before the flush, so some work is surely unfinished when Redis loses it.
    const { timeScale } = await fleet.emu.control.config();
    await fleet.emu.control.configure({ timeScale: 1e9 });
    await requestBackup(em, fleet.queues, deps[1]?.deploymentId ?? 0n);

    expect(await flushFleetKeys()).toBeGreaterThan(0);
    const unfinished = await row<{ n: number }>(
      em,
      `select count(*)::int as n from operations where status in ('queued', 'running')`,
    );
    expect(unfinished?.n).toBeGreaterThan(0);

    await fleet.emu.control.configure({ timeScale });

    // The scheduler's periodic sweep, run once by hand.
    const result = await reconcile({ em: fleet.em(), queues: fleet.queues });
    expect(result.drives).toBeGreaterThan(0);

    await waitFor(
      'every operation finished after reconcile',
      async () =>
        (
          await row<{ n: number }>(
            em,
            `select count(*)::int as n from operations where status in ('queued', 'running')`,
          )
        )?.n === 0,
      90_000,
      200,
    );
    await waitFor(
      'the lost delete done',
      async () =>
        (await row<{ status: string }>(em, 'select status from backups where id = ?', [doomed.toString()]))
          ?.status === 'deleted',
      30_000,
    );
    const ops = await all<{ status: string }>(em, 'select id, kind, status, error from operations');
    expect(
      ops.every((o) => o.status === 'succeeded'),
      JSON.stringify(ops),
    ).toBe(true);
    expect(await assertConsistent(em, await fleet.emu.control.state())).toEqual([]);
    expect(workers.every((w) => w.child.exitCode === null)).toBe(true);
  });
});
