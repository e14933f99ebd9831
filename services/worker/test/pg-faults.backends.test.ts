import { afterAll, describe, expect, it } from 'vitest';
import { row, useTestFleet } from './harness/fleet.js';
import {
  connectKiller,
  expectFleetSettled,
  requestBackupsAndRestores,
  spawnWorkerWithOps,
} from './harness/pg-faults.js';
import { workerEnv } from './harness/processes.js';
import { requestUpgrade, seedDeployment } from './harness/seed.js';
import { waitFor } from './harness/wait.js';

// Postgres ends the fleet's connections (pg_terminate_backend, as a failover
// or an operator would) again and again while backups, restores and an
// upgrade are half-way. The workers must carry every operation to its end on
// fresh connections, without dying, and leave EC2 as Postgres records it.

// Slow enough snapshots and instance moves that a kill lands mid-step.
const fleet = useTestFleet({ timeScale: 0.002 });
// Bounds only a hang would reach: two worker processes beside other test files on two shared cores.
const HANG_MS = 240_000;
// Each kill can fail a drive job, which BullMQ retries with a growing backoff:
// enough periodic kills to land mid-step often, few enough that the retries stay short.
const MAX_KILLS = 12;
const KILL_EVERY_MS = 700;

// What is half-way right now, one label per kind of step.
const MID_STEP = `
  select 'snapshots pending' as what from backup_snapshots where state = 'pending' and snapshot_id is not null
  union select 'restore at ' || step from restores where status = 'in_progress'
  union select 'upgrade at ' || step from upgrades where status = 'in_progress'`;

const workers: Awaited<ReturnType<typeof spawnWorkerWithOps>>[] = [];
afterAll(async () => {
  await Promise.all(workers.map((w) => w.worker.stop()));
});

describe('Postgres backends terminated repeatedly while operations are mid-step', () => {
  it(
    'every backup, restore and upgrade still completes, both worker processes stay up and ready and later stop cleanly, EC2 matches Postgres',
    async () => {
      for (let i = 0; i < 2; i++) workers.push(await spawnWorkerWithOps(workerEnv(fleet.env), HANG_MS));
      const upgrading = await seedDeployment(fleet.em(), fleet.emu.endpoint, { nodes: 2, volumesPerNode: 2 });
      const work = await requestBackupsAndRestores(fleet, { backups: 3, restores: 3 }, HANG_MS);
      const killer = await connectKiller(fleet.db.url, fleet.db.name);
      try {
        const { upgradeId } = await requestUpgrade(
          fleet.em(),
          fleet.queues,
          upgrading.deploymentId,
          '0.5.0',
          false,
        );

        // Kill at once whenever a kind of step is half-way that no kill has hit
        // yet, and otherwise every KILL_EVERY_MS while anything is half-way (at
        // most MAX_KILLS of those).
        const hit = new Set<string>();
        let kills = 0;
        let lastKill = 0;
        await waitFor(
          'every operation finished while backends were being terminated',
          async () => {
            const [open] = await killer.query<{ n: number }>(
              `select count(*)::int as n from operations where status in ('queued', 'running')`,
            );
            if (open?.n === 0) return true;
            const now = (await killer.query<{ what: string }>(MID_STEP)).map((r) => r.what);
            const fresh = now.some((w) => !hit.has(w));
            // Only the periodic kills are capped: on a busy machine they could spend the
            // budget before a restore or upgrade reaches the steps this test must hit.
            const periodic = kills < MAX_KILLS && Date.now() - lastKill > KILL_EVERY_MS;
            if (now.length > 0 && (fresh || periodic)) {
              if ((await killer.terminateAll()) > 0) {
                kills++;
                lastKill = Date.now();
                for (const w of now) hit.add(w);
              }
            }
            return false;
          },
          HANG_MS,
          25,
        );

        const what = `kills: ${kills}, landed during: ${[...hit].join(', ')}`;
        expect(kills, what).toBeGreaterThanOrEqual(3);
        expect([...hit], what).toContain('snapshots pending');
        expect(
          [...hit].some((w) => /^restore at (stop_nodes|detach|attach|start_nodes)$/.test(w)),
          what,
        ).toBe(true);
        expect(
          [...hit].some((w) => w.startsWith('upgrade at ')),
          what,
        ).toBe(true);

        const upgrade = await row<{ status: string; version: string }>(
          fleet.em(),
          'select u.status, d.version from upgrades u join deployments d on d.id = u.deployment_id where u.id = ?',
          [upgradeId.toString()],
        );
        expect(upgrade).toEqual({ status: 'completed', version: '0.5.0' });
      } finally {
        await killer.close();
      }

      await expectFleetSettled(fleet, workers, work, HANG_MS);
    },
    4 * HANG_MS,
  );
});
