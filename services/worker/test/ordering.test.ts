import { afterAll, describe, expect, it } from 'vitest';
import { assertConsistent } from './harness/checks.js';
import { all, useTestFleet } from './harness/fleet.js';
import { spawnWorker, type WorkerProcess, workerEnv } from './harness/processes.js';
import { requestBackup, requestRestore, seedDeployment } from './harness/seed.js';
import { waitFor } from './harness/wait.js';

const fleet = useTestFleet();
const workers: WorkerProcess[] = [];
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
});

/** EC2 calls other than Describe* in the stats line a worker prints when it stops. */
function mutatingCalls(output: string): number {
  const line = output.split('\n').find((l) => l.startsWith('{"ec2Calls"'));
  const calls = (line ? JSON.parse(line).ec2Calls : []) as Array<{ action: string; count: number }>;
  return calls.filter((c) => !c.action.startsWith('Describe')).reduce((sum, c) => sum + c.count, 0);
}

const DEPLOYMENTS = 50;
// Only a hang should exceed this: alone the 200 operations take ~40 s, but beside
// another file's workers on two busy cores they have taken more than twice that.
const HANG_MS = 240_000;

describe('per-deployment serialisation across two worker processes', () => {
  it(
    'runs 4 operations on each of 50 deployments one at a time, in request order; both processes take work and exit 0 on SIGTERM',
    async () => {
      const em = fleet.em();
      const deps = [];
      for (let i = 0; i < DEPLOYMENTS; i++)
        deps.push(await seedDeployment(em, fleet.emu.endpoint, { name: `d${i}` }));

      // Each prints its EC2 call counts on the way out (WORKER_REPORT_STATS), which shows both took work.
      const env = workerEnv(fleet.env, { WORKER_REPORT_STATS: 'true' });
      workers.push(spawnWorker(env), spawnWorker(env));
      // backup A, restore of A, backup B, backup C: the restore can only succeed
      // if it runs after A completed, so order violations fail loudly too.
      for (const d of deps) {
        const a = await requestBackup(em, fleet.queues, d.deploymentId);
        await requestRestore(em, fleet.queues, d.deploymentId, a.backupId);
        await requestBackup(em, fleet.queues, d.deploymentId);
        await requestBackup(em, fleet.queues, d.deploymentId);
      }

      await waitFor(
        'all operations finished',
        async () => {
          const [r] = await all<{ n: number }>(
            em,
            `select count(*)::int as n from operations where status in ('queued', 'running')`,
          );
          return r?.n === 0;
        },
        HANG_MS,
        250,
      ).catch(async (err) => {
        // What is stuck, and where: the operations, their backups' snapshots, the workers' last words.
        console.log(
          JSON.stringify(
            await all(
              em,
              `select o.id, o.kind, o.status, o.attempts, o.lease_expires_at, b.status as bs, b.failure_reason,
                    (select json_agg(json_build_object('state', s.state, 'id', s.snapshot_id, 'msg', s.state_message))
                       from backup_snapshots s where s.backup_id = o.backup_id) as snapshots
               from operations o left join backups b on b.id = o.backup_id
              where o.status in ('queued', 'running') order by o.id limit 10`,
            ),
          ),
        );
        for (const w of workers) console.log(w.output().slice(-3000));
        throw err;
      });
      const ops = await all<{
        id: string;
        deployment_id: string;
        kind: string;
        status: string;
        error: string | null;
        started_us: string;
        finished_us: string;
      }>(
        em,
        `select id::text, deployment_id::text, kind, status, error,
              (extract(epoch from started_at) * 1e6)::bigint::text as started_us,
              (extract(epoch from finished_at) * 1e6)::bigint::text as finished_us
         from operations order by operations.deployment_id, operations.id`,
      );
      expect(ops).toHaveLength(DEPLOYMENTS * 4);
      const notOk = ops.filter((o) => o.status !== 'succeeded');
      expect(notOk, JSON.stringify(notOk.slice(0, 3))).toEqual([]);
      for (let i = 1; i < ops.length; i++) {
        const prev = ops[i - 1];
        const cur = ops[i];
        if (!prev || !cur || prev.deployment_id !== cur.deployment_id) continue;
        // The next operation of a deployment starts only after the previous one finished.
        expect(Number(cur.started_us), `op ${cur.id} overlaps op ${prev.id}`).toBeGreaterThanOrEqual(
          Number(prev.finished_us),
        );
      }
      expect(await assertConsistent(em, await fleet.emu.control.state())).toEqual([]);

      // Both stop gracefully on SIGTERM: exit code 0, where a stop past the process's own
      // bound (SHUTDOWN_TIMEOUT_MS plus a close grace) exits 1, and no step was cut off.
      const exits = await Promise.all(workers.map((w) => w.stop()));
      expect(exits.map((e) => e.code)).toEqual([0, 0]);
      for (const w of workers) {
        expect(w.output()).not.toContain('shutdown timeout');
        // Both processes did work: each made mutating EC2 calls (the pollers only describe).
        expect(mutatingCalls(w.output()), w.output().slice(-2000)).toBeGreaterThan(0);
      }
    },
    HANG_MS + 60_000,
  );
});
