import { afterAll, describe, expect, it } from 'vitest';
import type { CrashPoint } from '../src/env.js';
import { SnapshotLedger } from '../src/snapshot-admission/snapshot-ledger.js';
import { assertConsistent } from './harness/checks.js';
import { all, row, useTestFleet } from './harness/fleet.js';
import { spawnWorker, type WorkerProcess, workerEnv } from './harness/processes.js';
import {
  REGION,
  requestBackup,
  requestRestore,
  type SeededDeployment,
  seedDeployment,
} from './harness/seed.js';
import { waitFor } from './harness/wait.js';

const fleet = useTestFleet();
/** Only `status` is read here; the limits do not matter. */
const LEDGER_LIMITS = {
  regionCap: 100,
  perVolumeMax: 5,
  volumeSpacingMs: 0,
  grantMs: 1,
  holdMs: 1,
  retryMs: 1,
};
// Crashers run one after another and each may take over (and die on) the jobs
// of the ones before, so a job can stall more often here than the production
// limit allows; past that limit BullMQ drops the signal and only the periodic
// reconciler would re-drive it (covered by redis-loss.test.ts). Here the point
// is the takeover itself.
const CRASH_ENV = { JOB_MAX_STALLED_COUNT: '20' };
// Bounds on waits that only a hang would exceed: alone the whole test takes
// ~40 s, but beside another file's worker processes on two shared cores a
// crasher's start and a takeover can each take a minute.
const HANG_MS = 120_000;
const spawned: WorkerProcess[] = [];
afterAll(async () => {
  await Promise.all(spawned.map((w) => w.stop()));
});

interface Scenario {
  point: CrashPoint;
  kind: 'backup' | 'restore';
  /** Fault injected before the crasher runs, to reach rollback steps. */
  attachFault?: boolean;
  /** CreateSnapshots refused for good before the crasher runs: the backup fails and gives its room back. */
  createFault?: boolean;
}

const SCENARIOS: Scenario[] = [
  // First: no other backup may be creating snapshots when the fault is armed.
  { point: 'backup:before-release', kind: 'backup', createFault: true },
  { point: 'backup:after-reserve', kind: 'backup' },
  { point: 'backup:after-confirm', kind: 'backup' },
  { point: 'backup:after-create-snapshots', kind: 'backup' },
  { point: 'backup:after-record-snapshots', kind: 'backup' },
  // The region's poller, mid-tick: after describing, and after recording (before the ledger sync).
  { point: 'poller:after-describe', kind: 'backup' },
  { point: 'poller:after-record', kind: 'backup' },
  // First of the restores: the injected attach fault must hit this one, not another restore left half-way.
  { point: 'rollback:after-attach', kind: 'restore', attachFault: true },
  { point: 'restore:after-create-volume', kind: 'restore' },
  { point: 'restore:after-stop', kind: 'restore' },
  { point: 'restore:after-detach', kind: 'restore' },
  { point: 'restore:after-attach', kind: 'restore' },
  { point: 'restore:after-start', kind: 'restore' },
];

describe('a worker SIGKILLed at each step', () => {
  it(
    'leaves state another worker process finishes to the correct end, with no orphans or duplicates',
    async () => {
      const em = fleet.em();
      const deps = new Map<CrashPoint, SeededDeployment & { backupId?: bigint }>();
      for (const s of SCENARIOS)
        deps.set(s.point, await seedDeployment(em, fleet.emu.endpoint, { nodes: 2, volumesPerNode: 2 }));

      // Restores need a completed backup first: take them with an in-process worker.
      const setup = await fleet.startInProcessWorker();
      for (const s of SCENARIOS.filter((x) => x.kind === 'restore')) {
        const d = deps.get(s.point);
        if (d) d.backupId = (await requestBackup(em, fleet.queues, d.deploymentId)).backupId;
      }
      await waitFor('setup backups completed', async () => {
        const r = await row<{ n: number }>(
          em,
          `select count(*)::int as n from backups where status <> 'completed'`,
        );
        return r?.n === 0;
      });
      await setup.stop();

      // One crasher process per step, each given a fresh operation that must pass that step.
      const expected = new Map<string, { outcome: string; takenOver: boolean }>();
      for (const s of SCENARIOS) {
        const d = deps.get(s.point);
        if (!d) throw new Error('unreachable');
        if (s.attachFault)
          await fleet.emu.control.injectFault({
            action: 'AttachVolume',
            code: 'InvalidParameterValue',
            count: 1,
            message: 'injected attach failure',
          });
        if (s.createFault)
          await fleet.emu.control.injectFault({
            action: 'CreateSnapshots',
            code: 'InvalidParameterValue',
            count: 1,
            message: 'injected create failure',
          });
        if (s.kind === 'backup') {
          expected.set((await requestBackup(em, fleet.queues, d.deploymentId)).opId.toString(), {
            outcome: s.createFault ? 'backup failed' : 'backup completed',
            // A poller crasher may die polling an earlier scenario's snapshots before it takes its own operation.
            takenOver: !s.point.startsWith('poller:'),
          });
        } else {
          const { opId } = await requestRestore(em, fleet.queues, d.deploymentId, d.backupId ?? 0n);
          expected.set(opId.toString(), {
            outcome: s.attachFault ? 'restore rolled_back' : 'restore completed',
            takenOver: true,
          });
        }
        const crasher = spawnWorker(workerEnv(fleet.env, { ...CRASH_ENV, WORKER_CRASH_AT: s.point }));
        spawned.push(crasher);
        const exit = await Promise.race([
          crasher.exited,
          new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), HANG_MS)),
        ]);
        expect(exit, `${s.point}: ${crasher.output().slice(-2000)}`).toEqual({
          code: null,
          signal: 'SIGKILL',
        });
      }

      // A healthy worker process takes every operation over once the dead ones' leases run out.
      const survivor = spawnWorker(workerEnv(fleet.env, CRASH_ENV));
      spawned.push(survivor);
      await waitFor(
        'every operation finished',
        async () =>
          (
            await row<{ n: number }>(
              em,
              `select count(*)::int as n from operations where status in ('queued', 'running')`,
            )
          )?.n === 0,
        HANG_MS,
        200,
      ).catch(async (err) => {
        console.log(
          JSON.stringify(
            await all(
              em,
              `select o.id, o.kind, o.status, o.attempts, o.lease_expires_at, r.step, r.status as rs from operations o left join restores r on r.id = o.restore_id where o.status in ('queued','running')`,
            ),
          ),
        );
        console.log(survivor.output().slice(-6000));
        throw err;
      });
      const outcomes = await all<{ id: string; outcome: string; attempts: number }>(
        em,
        `select o.id::text, o.kind || ' ' || coalesce(b.status, '') || coalesce(r.status, '') as outcome, o.attempts
         from operations o
         left join backups b on o.kind = 'backup' and b.id = o.backup_id
         left join restores r on r.id = o.restore_id`,
      );
      for (const [opId, want] of expected) {
        const got = outcomes.find((o) => o.id === opId);
        expect(got?.outcome, `operation ${opId}`).toBe(want.outcome);
        // Taken over at least once: the crasher's lease, then the survivor's.
        if (want.takenOver) expect(got?.attempts ?? 0).toBeGreaterThan(1);
      }
      expect(await assertConsistent(em, await fleet.emu.control.state())).toEqual([]);
      // Each backup has exactly one snapshot per volume: the tag lookup prevented duplicates.
      const perBackup = await all<{ n: number }>(
        em,
        `select count(*)::int as n from backup_snapshots group by backup_id`,
      );
      for (const p of perBackup) expect(p.n).toBe(4);
      // No room is left held in the region: every hold was released, or dropped by a poller tick.
      const ledger = new SnapshotLedger(fleet.redis.connection(), fleet.redis.prefix, LEDGER_LIMITS);
      await waitFor(
        'the ledger holds nothing',
        async () => (await ledger.status(REGION)).used === 0,
        HANG_MS,
        200,
      );
    },
    5 * HANG_MS,
  );
});
