import { afterAll, expect } from 'vitest';
import { CRASH_POINTS, type CrashPoint } from '../../src/crash.js';
import { SnapshotLedger } from '../../src/snapshot-admission/snapshot-ledger.js';
import { assertConsistent } from './checks.js';
import { all, row, type TestFleet } from './fleet.js';
import { spawnWorker, type WorkerProcess, workerEnv } from './processes.js';
import { REGION, requestBackup, requestRestore, seedDeployment } from './seed.js';
import { waitFor } from './wait.js';

// The crash matrix: for each crash point, a worker process started with
// WORKER_CRASH_AT must SIGKILL itself there; then one healthy worker process
// takes every operation over and the end state is checked against Postgres and
// the emulator. The points are split over a few test files (by kind) so they
// run side by side; each file's fleet is its own, so its crashers cannot meet
// another file's operations or faults.

/** The crash test files, and the points each one must exercise (every point belongs to exactly one). */
export const CRASH_FILES = {
  backup: (p: CrashPoint) => p.startsWith('backup:') || p.startsWith('poller:'),
  // The abort and rollback paths (each needs a fault) and the crash they take over from.
  rollback: (p: CrashPoint) =>
    p === 'restore:mid-create_volumes' ||
    p === 'restore:after-abort' ||
    p.startsWith('restore:mid-rollback_') ||
    p.startsWith('restore:after-rollback_'),
  restore: (p: CrashPoint) => p.startsWith('restore:') && !CRASH_FILES.rollback(p),
  'upgrade-delete': (p: CrashPoint) => p.startsWith('upgrade:') || p.startsWith('delete:'),
} as const;

export const crashPointsOf = (file: keyof typeof CRASH_FILES): CrashPoint[] =>
  CRASH_POINTS.filter(CRASH_FILES[file]);

/** A file's scenarios exercise exactly the crash points that belong to it (a point added without one fails). */
export function expectScenariosFor(
  file: keyof typeof CRASH_FILES,
  scenarios: readonly CrashScenario[],
): void {
  expect(scenarios.map((s) => s.point).sort()).toEqual(crashPointsOf(file).sort());
}

/** How an operation (or a backup delete, which is not one) must end, e.g. `restore rolled_back`. */
export type Expected = { opId: bigint; want: string } | { backupId: bigint; want: string };

export interface CrashScenario {
  point: CrashPoint;
  /** Before its crasher starts: arm a fault, slow the emulator down. */
  arrange?: () => Promise<unknown>;
  /**
   * Its own new operation, which passes `point`. Without one, the crasher takes
   * over what the previous crasher left half-way (a chain of crashes on one operation).
   */
  request?: () => Promise<Expected>;
  /** While its crasher runs, e.g. fail a snapshot once it is recorded. */
  during?: () => Promise<unknown>;
  /** Once its crasher is dead: undo what `arrange` changed. */
  afterCrash?: () => Promise<unknown>;
}

// Crashers run one after another and each may take over (and die on) the jobs
// of the ones before, so a job can stall more often here than the production
// limit allows; past that limit BullMQ drops the signal and only the periodic
// reconciler would re-drive it (covered by redis-loss.test.ts). Here the point
// is the takeover itself.
const CRASH_ENV = { JOB_MAX_STALLED_COUNT: '20' };

/**
 * Bound on waits that only a hang would exceed: beside other files' worker
 * processes on two shared cores, a crasher's start and a takeover can each take
 * a minute.
 */
export const HANG_MS = 120_000;

/** Only `status` is read here; the limits do not matter. */
const LEDGER_LIMITS = {
  regionCap: 100,
  perVolumeMax: 5,
  volumeSpacingMs: 0,
  grantMs: 1,
  holdMs: 1,
  retryMs: 1,
};

/** The worker processes a file started, stopped after it. */
export function useSpawnedWorkers(): WorkerProcess[] {
  const spawned: WorkerProcess[] = [];
  afterAll(async () => {
    await Promise.all(spawned.map((w) => w.stop()));
  });
  return spawned;
}

/** Runs the scenarios' crashers one after another, then a survivor, then checks the end state. */
export async function runCrashMatrix(
  fleet: TestFleet,
  spawned: WorkerProcess[],
  scenarios: readonly CrashScenario[],
): Promise<void> {
  const em = fleet.em();
  const expected: Expected[] = [];
  for (const s of scenarios) {
    await s.arrange?.();
    if (s.request) expected.push(await s.request());
    const crasher = spawnWorker(workerEnv(fleet.env, { ...CRASH_ENV, WORKER_CRASH_AT: s.point }));
    spawned.push(crasher);
    const [exit] = await Promise.all([
      Promise.race([crasher.exited, new Promise<'hang'>((r) => setTimeout(() => r('hang'), HANG_MS))]),
      s.during?.(),
    ]);
    // Killed by its own SIGKILL: the only way it dies is reaching `point`.
    expect(exit, `${s.point}: ${crasher.output().slice(-2000)}`).toEqual({ code: null, signal: 'SIGKILL' });
    await s.afterCrash?.();
  }

  // A healthy worker process takes every operation over once the dead ones' leases run out.
  const survivor = spawnWorker(workerEnv(fleet.env, CRASH_ENV));
  spawned.push(survivor);
  await waitFor(
    'every operation and backup delete finished',
    async () =>
      (
        await row<{ n: number }>(
          em,
          `select ((select count(*) from operations where status in ('queued', 'running'))
                + (select count(*) from backups where status = 'deleting'))::int as n`,
        )
      )?.n === 0,
    HANG_MS,
    200,
  ).catch(async (err) => {
    console.log(JSON.stringify(await unfinished(fleet)));
    console.log(survivor.output().slice(-6000));
    throw err;
  });
  for (const e of expected) expect(await outcomeOf(fleet, e), JSON.stringify(e, String)).toBe(e.want);
  expect(await assertConsistent(em, await fleet.emu.control.state())).toEqual([]);
  // No room is left held in the region: every hold was released, or dropped by a poller tick.
  const ledger = new SnapshotLedger(fleet.redis.connection(), fleet.redis.prefix, LEDGER_LIMITS);
  await waitFor(
    'the ledger holds nothing',
    async () => (await ledger.status(REGION)).used === 0,
    HANG_MS,
    200,
  );
}

async function outcomeOf(fleet: TestFleet, e: Expected): Promise<string | undefined> {
  if ('backupId' in e) {
    const b = await row<{ status: string }>(fleet.em(), 'select status from backups where id = ?', [
      e.backupId.toString(),
    ]);
    return b && `backup ${b.status}`;
  }
  // Restore and upgrade operations carry a backup id too (their source, their pre-upgrade backup).
  const o = await row<{ outcome: string }>(
    fleet.em(),
    `select o.kind || ' ' || case o.kind when 'backup' then b.status when 'restore' then r.status else u.status end as outcome
       from operations o
       left join backups b on b.id = o.backup_id
       left join restores r on r.id = o.restore_id
       left join upgrades u on u.id = o.upgrade_id
      where o.id = ?`,
    [e.opId.toString()],
  );
  return o?.outcome;
}

function unfinished(fleet: TestFleet) {
  return all(
    fleet.em(),
    `select o.id, o.kind, o.status, o.attempts, o.lease_expires_at, r.step, r.status as rs
       from operations o left join restores r on r.id = o.restore_id
      where o.status in ('queued', 'running')`,
  );
}

/** A new deployment of two nodes with two data volumes each. */
export const newDeployment = (fleet: TestFleet) =>
  seedDeployment(fleet.em(), fleet.emu.endpoint, { nodes: 2, volumesPerNode: 2 });

/** A backup of a new deployment, which must complete. */
export async function newBackup(fleet: TestFleet): Promise<Expected & { backupId: bigint }> {
  const d = await newDeployment(fleet);
  const { opId, backupId } = await requestBackup(fleet.em(), fleet.queues, d.deploymentId);
  return { opId, backupId, want: 'backup completed' };
}

/**
 * `count` new deployments, each with a completed backup to restore (or delete):
 * taken by a worker inside the test process before any crasher runs.
 */
export async function completedBackups(
  fleet: TestFleet,
  count: number,
): Promise<{ deploymentId: bigint; backupId: bigint }[]> {
  const made = [];
  for (let i = 0; i < count; i++) made.push(await newDeployment(fleet));
  const setup = await fleet.startInProcessWorker();
  try {
    const backups = [];
    for (const d of made)
      backups.push({
        deploymentId: d.deploymentId,
        backupId: (await requestBackup(fleet.em(), fleet.queues, d.deploymentId)).backupId,
      });
    await waitFor(
      'setup backups completed',
      async () =>
        (
          await row<{ n: number }>(
            fleet.em(),
            `select count(*)::int as n from backups where status <> 'completed'`,
          )
        )?.n === 0,
      HANG_MS,
    );
    return backups;
  } finally {
    await setup.stop();
  }
}

/** A restore of a completed backup, ending as `want`. */
export async function newRestore(
  fleet: TestFleet,
  source: { deploymentId: bigint; backupId: bigint } | undefined,
  want: string,
): Promise<Expected> {
  if (!source) throw new Error('no completed backup left to restore');
  const { opId } = await requestRestore(fleet.em(), fleet.queues, source.deploymentId, source.backupId);
  return { opId, want };
}
