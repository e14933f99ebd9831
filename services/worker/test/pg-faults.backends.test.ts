import { afterAll, describe, expect, it } from 'vitest';
import { assertConsistent } from './harness/checks.js';
import { row, useTestFleet } from './harness/fleet.js';
import {
  connectKiller,
  isAlive,
  ledgerUsage,
  outcomes,
  readyz,
  requestUpgrade,
  spawnWorkerWithOps,
} from './harness/pg-faults.js';
import { workerEnv } from './harness/processes.js';
import { requestBackup, requestRestore, type SeededDeployment, seedDeployment } from './harness/seed.js';
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
// enough kills to hit every step, few enough that the retries stay short.
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
    'every backup, restore and upgrade still completes, both worker processes stay up and ready, EC2 matches Postgres',
    async () => {
      const em = fleet.em();
      const seed = () => seedDeployment(em, fleet.emu.endpoint, { nodes: 2, volumesPerNode: 2 });
      const backing: SeededDeployment[] = [await seed(), await seed(), await seed()];
      const restoring: SeededDeployment[] = [await seed(), await seed(), await seed()];
      const upgrading = await seed();

      for (let i = 0; i < 2; i++) workers.push(await spawnWorkerWithOps(workerEnv(fleet.env), HANG_MS));
      // The restores need completed backups; these are taken before any fault.
      const restoreFrom = new Map<bigint, bigint>();
      for (const d of restoring)
        restoreFrom.set(d.deploymentId, (await requestBackup(em, fleet.queues, d.deploymentId)).backupId);
      await waitFor(
        'the backups to restore from completed',
        async () =>
          (await row<{ n: number }>(em, `select count(*)::int as n from backups where status <> 'completed'`))
            ?.n === 0,
        HANG_MS,
        200,
      );

      const killer = await connectKiller(fleet.db.url, fleet.db.name);
      const expected = new Map<string, string>();
      try {
        for (const d of backing)
          expected.set(
            (await requestBackup(em, fleet.queues, d.deploymentId)).opId.toString(),
            'backup succeeded completed',
          );
        for (const d of restoring) {
          const { opId } = await requestRestore(
            em,
            fleet.queues,
            d.deploymentId,
            restoreFrom.get(d.deploymentId) ?? 0n,
          );
          expected.set(opId.toString(), 'restore succeeded completed');
        }
        const upgradeId = await requestUpgrade(fleet, upgrading.deploymentId, '0.5.0');

        // Kill at once whenever a kind of step is half-way that no kill has hit
        // yet, and otherwise every KILL_EVERY_MS while anything is half-way.
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
            if (kills < MAX_KILLS && now.length > 0 && (fresh || Date.now() - lastKill > KILL_EVERY_MS)) {
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

        const ended = await outcomes(fleet.em());
        for (const [opId, want] of expected) expect(ended.get(opId), `operation ${opId}`).toBe(want);
        const upgrade = await row<{ status: string; version: string }>(
          fleet.em(),
          'select u.status, d.version from upgrades u join deployments d on d.id = u.deployment_id where u.id = ?',
          [upgradeId.toString()],
        );
        expect(upgrade).toEqual({ status: 'completed', version: '0.5.0' });
        // Every restore put the backup's volumes in place (not the originals back).
        const restored = await row<{ n: number }>(
          fleet.em(),
          `select count(*)::int as n from restores where status = 'completed' and cardinality(replaced_volume_ids) = 4`,
        );
        expect(restored?.n).toBe(restoring.length);
      } finally {
        await killer.close();
      }

      for (const w of workers) expect(isAlive(w.worker), w.worker.output().slice(-3000)).toBe(true);
      for (const w of workers)
        expect(
          await waitFor(
            'the worker ready again',
            async () => (await readyz(w.ops)).status === 200,
            HANG_MS,
            200,
          ),
        ).toBe(true);
      expect(await assertConsistent(fleet.em(), await fleet.emu.control.state())).toEqual([]);
      // No lease is left held and no room is left reserved in the region.
      const leased = await row<{ n: number }>(
        fleet.em(),
        'select count(*)::int as n from operations where lease_owner is not null',
      );
      expect(leased?.n).toBe(0);
      const used = ledgerUsage(fleet);
      expect(
        await waitFor('the ledger to hold nothing', async () => (await used()) === 0, HANG_MS, 200),
      ).toBe(true);
    },
    4 * HANG_MS,
  );
});
