import type { CrashPoint } from '../../src/env.js';
import type { SchedulerFleet } from './fleet.js';
import { type SchedulerProcess, waitUntil } from './scheduler-process.js';

// The crash suite's shared steps: a scheduler process SIGKILLs itself at a
// named step (SCHEDULER_CRASH_AT), another takes over, and the test waits for
// the fleet to settle. Each crash file names the points it covers here, so a
// test can prove every point has a scenario.

export const FIRE_POINTS = [
  'fire:after-create',
  'fire:after-rotation-signals',
  'fire:after-signals',
] as const satisfies readonly CrashPoint[];
export const EXPIRE_POINTS = [
  'expire:after-mark',
  'expire:after-first-signal',
] as const satisfies readonly CrashPoint[];
export const CLEANUP_POINTS = [
  'cleanup:after-replaced-volume-delete',
  'cleanup:after-record-orphans',
  'cleanup:after-orphan-delete',
] as const satisfies readonly CrashPoint[];

/** Generous: one scenario starts two processes from source on a shared, loaded machine. */
export const SCENARIO_TIMEOUT_MS = 240_000;

/** Starts a scheduler process that SIGKILLs itself at `point`; resolves once it has died there. */
export async function crashAt(
  fleet: SchedulerFleet,
  point: CrashPoint,
  extra: Record<string, string> = {},
): Promise<SchedulerProcess> {
  const crasher = fleet.startSchedulerProcess({ ...extra, SCHEDULER_CRASH_AT: point });
  await waitUntil(`the scheduler to reach ${point}`, () => !crasher.alive(), 120_000);
  const { signal, code } = await crasher.exited();
  if (signal !== 'SIGKILL')
    throw new Error(`the crasher exited with ${code ?? signal}, not SIGKILL:\n${crasher.output()}`);
  return crasher;
}

/** Waits until `problems` finds none; on timeout, throws with the last ones found. */
export async function settled(what: string, problems: () => Promise<string[]>, timeoutMs = 120_000) {
  let last: string[] = [];
  try {
    await waitUntil(
      what,
      async () => {
        last = await problems();
        return last.length === 0;
      },
      timeoutMs,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; still wrong:\n${last.join('\n')}`);
  }
}

/** Completed backups made by the worker process (real snapshots in the emulator); returns their ids. */
export async function completedBackups(
  fleet: SchedulerFleet,
  deploymentId: bigint,
  names: string[],
  type: 'manual' | 'scheduled' = 'manual',
): Promise<string[]> {
  const em = fleet.em();
  const ids: string[] = [];
  for (const name of names) {
    const [b] = await em.execute<{ id: string }[]>(
      `insert into backups (deployment_id, name, backup_type, status, region) values (?, ?, ?, 'pending', 'us-west-1')
       returning id::text`,
      [deploymentId, name, type],
    );
    await em.execute("insert into operations (deployment_id, kind, backup_id) values (?, 'backup', ?)", [
      deploymentId,
      b?.id,
    ]);
    ids.push(b?.id ?? '');
  }
  await fleet.queues.enqueue('operation.drive', { deploymentId: deploymentId.toString() });
  await waitUntil(`backups ${ids.join(', ')} completed`, async () => {
    const rows = await em.execute<{ id: string; status: string }[]>(
      'select id::text, status from backups where deployment_id = ?',
      [deploymentId],
    );
    return ids.every((id) => rows.some((r) => r.id === id && r.status === 'completed'));
  });
  return ids;
}
