import { readFileSync } from 'node:fs';
import type { JobQueues } from '@backups/shared/jobs';
import { spawnWorker, type WorkerProcess } from '../test/harness/processes.js';
import { interrupted, stopChild, trackChild } from './children.js';
import { breakdown, log, MiB, row } from './print.js';

// The benchmark's worker processes: started as the test harness starts them
// (production runtime settings), measured from outside through /proc, and
// asked for their own stats line (WORKER_REPORT_STATS) when they stop.

const ENTRY_SETTING = process.env.BENCH_WORKER_ENTRY || 'dist/main.js';
/** undefined: src/main.ts through tsx. */
export const WORKER_ENTRY = ENTRY_SETTING === 'src' ? undefined : ENTRY_SETTING;
export const WORKER_COUNT = 2;

export interface WorkerStats {
  ec2Calls: { action: string; outcome: string; count: number }[];
  maxRssBytes: number;
  cpuSeconds: number;
  memory: { started: NodeJS.MemoryUsage; peak: NodeJS.MemoryUsage };
}

/** VmRSS (now) and VmHWM (the peak so far) of a live process, in bytes. */
export function procRss(w: WorkerProcess): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${w.child.pid}/status`, 'utf8');
  const kib = (field: string) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN);
  return { rss: kib('VmRSS') * 1024, hwm: kib('VmHWM') * 1024 };
}

/** Spawns the workers and resolves once each one's BullMQ workers are connected to both queues. */
export async function startWorkers(
  env: Record<string, string>,
  queues: JobQueues,
  nodeArgs: readonly string[] = [],
): Promise<WorkerProcess[]> {
  const workers = Array.from({ length: WORKER_COUNT }, () => {
    const w = spawnWorker(env, { nodeArgs, entry: WORKER_ENTRY });
    trackChild(w.child);
    return w;
  });
  for (const start = Date.now(); ; ) {
    interrupted.signal.throwIfAborted();
    assertRunning(workers);
    const counts = await Promise.all(
      (['operations', 'deletes'] as const).map((q) => queues.queue(q).getWorkersCount()),
    );
    if (counts.every((n) => n >= workers.length)) return workers;
    if (Date.now() - start > 60_000)
      throw new Error(`workers did not start: ${workers[0]?.output().slice(-500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A worker that exited while the benchmark still needs it ends the run, with its last words. */
export function assertRunning(workers: readonly WorkerProcess[]): void {
  const gone = workers.find((w) => w.child.exitCode !== null || w.child.signalCode !== null);
  if (gone) throw new Error(`a worker exited during the run: ${gone.output().slice(-1000)}`);
}

/** Stops the workers (SIGTERM) and reads the stats line each prints on its way out. */
export async function stopWorkers(workers: readonly WorkerProcess[]): Promise<WorkerStats[]> {
  await Promise.all(workers.map((w) => stopChild(w.child)));
  return workers.map((w) => {
    const line = w
      .output()
      .split('\n')
      .find((l) => l.startsWith('{"ec2Calls"'));
    if (!line) throw new Error(`no stats from worker: ${w.output().slice(-500)}`);
    return JSON.parse(line) as WorkerStats;
  });
}

/** EC2 calls the workers counted, by action and outcome (`ok`, `throttled`, `not_found`, `error`). */
export function workerCalls(stats: readonly WorkerStats[]): Map<string, Map<string, number>> {
  const byAction = new Map<string, Map<string, number>>();
  for (const s of stats)
    for (const c of s.ec2Calls) {
      const outcomes = byAction.get(c.action) ?? new Map<string, number>();
      outcomes.set(c.outcome, (outcomes.get(c.outcome) ?? 0) + c.count);
      byAction.set(c.action, outcomes);
    }
  return byAction;
}

export function printWorkerMemory(
  idle: readonly { rss: number }[],
  peak: readonly { hwm: number }[],
  stats: readonly WorkerStats[],
): void {
  log(row('worker CPU time', stats.map((r) => `${r.cpuSeconds.toFixed(1)} s`).join(', ')));
  log(row('worker idle RSS', idle.map((m) => MiB(m.rss)).join(', ')));
  log(row('worker peak RSS (VmHWM)', peak.map((m) => MiB(m.hwm)).join(', ')));
  for (const [i, r] of stats.entries()) {
    log(`  worker ${i} once started:    ${breakdown(r.memory.started)}`);
    log(`  worker ${i} at its peak:     ${breakdown(r.memory.peak)}`);
  }
}
