import { startTcpProxy, type TcpProxy } from '@backups/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { row, useTestFleet } from './harness/fleet.js';
import {
  expectFleetSettled,
  isAlive,
  openOperations,
  readyz,
  requestBackupsAndRestores,
  spawnWorkerWithOps,
} from './harness/pg-faults.js';
import { workerEnv } from './harness/processes.js';
import { waitFor } from './harness/wait.js';

// Postgres unreachable for a while, as the workers see it: they reach it
// through a proxy the test cuts (open connections dropped, new ones refused)
// or stalls (connections open, no bytes move) while backups and restores are
// half-way, then restores. The machine's shared Postgres is never stopped.

const fleet = useTestFleet({ timeScale: 0.002 });
// Bounds only a hang would reach: two worker processes beside other test files on two shared cores.
const HANG_MS = 240_000;
// How long Postgres stays away once both workers have noticed: several
// polls, lease renewals and job retries fail meanwhile.
const OUTAGE_MS = 5_000;

let pgProxy: TcpProxy;
let workers: Awaited<ReturnType<typeof spawnWorkerWithOps>>[] = [];
beforeAll(async () => {
  const url = new URL(fleet.db.url);
  pgProxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.worker.stop()));
  await pgProxy?.close();
});

/**
 * Backups and restores run on two worker processes; `outage` takes Postgres
 * away from them while both kinds are half-way, holds it away for OUTAGE_MS
 * once both noticed, and brings it back. Every operation must still complete.
 */
async function operationsThroughOutage(outage: { begin(): Promise<void>; end(): Promise<void> }) {
  const em = fleet.em();
  const proxied = new URL(fleet.db.url);
  proxied.port = String(pgProxy.port);
  const env = workerEnv(fleet.env, { DATABASE_URL: proxied.toString() });
  workers = [await spawnWorkerWithOps(env, HANG_MS), await spawnWorkerWithOps(env, HANG_MS)];

  const work = await requestBackupsAndRestores(fleet, { backups: 2, restores: 2 }, HANG_MS);
  await waitFor(
    'a backup with snapshots pending and a restore past its first step',
    async () => {
      const r = await row<{ pending: number; restoring: number }>(
        em,
        `select (select count(*)::int from backup_snapshots where state = 'pending' and snapshot_id is not null) as pending,
                  (select count(*)::int from restores where status = 'in_progress' and step <> 'plan') as restoring`,
      );
      return (r?.pending ?? 0) > 0 && (r?.restoring ?? 0) > 0;
    },
    HANG_MS,
    25,
  );

  await outage.begin();
  for (const w of workers) {
    const away = await waitFor(
      'the worker not ready',
      async () => {
        const r = await readyz(w.ops);
        return r.status === 503 && r;
      },
      HANG_MS,
      200,
    );
    expect(away).toEqual({ status: 503, postgres: false, redis: true });
    expect((await fetch(`${w.ops}/healthz`)).status).toBe(200);
  }
  // Holding the outage: the workers' leases lapse meanwhile, so the end also shows takeovers after it.
  await new Promise((r) => setTimeout(r, OUTAGE_MS));
  for (const w of workers) expect(isAlive(w.worker), w.worker.output().slice(-3000)).toBe(true);
  for (const w of workers) expect((await readyz(w.ops)).postgres).toBe(false);
  expect(await openOperations(em)).toBeGreaterThan(0);
  await outage.end();

  for (const w of workers)
    expect(
      await waitFor('the worker ready again', async () => (await readyz(w.ops)).status === 200, HANG_MS, 200),
    ).toBe(true);
  await waitFor('every operation finished', async () => (await openOperations(em)) === 0, HANG_MS, 200);
  await expectFleetSettled(fleet, workers, work, HANG_MS);
}

describe('Postgres unreachable for several seconds while operations are mid-step', () => {
  it(
    'connections dropped and refused: worker processes stay up, /readyz says Postgres is away then ready, every backup and restore completes, the workers then stop cleanly',
    () =>
      operationsThroughOutage({
        begin: () => pgProxy.cut(),
        end: () => pgProxy.restore(),
      }),
    4 * HANG_MS,
  );

  it(
    'connections hung (no bytes move): worker processes stay up, /readyz says Postgres is away then ready, every backup and restore completes, the workers then stop cleanly',
    () =>
      operationsThroughOutage({
        begin: async () => pgProxy.stall(),
        end: async () => pgProxy.unstall(),
      }),
    4 * HANG_MS,
  );
});
