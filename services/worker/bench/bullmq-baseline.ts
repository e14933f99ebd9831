import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { interrupted, stopChild, trackChild } from './children.js';

// Raw BullMQ on this machine, measured in the same run as the backups: as many
// processes as the fleet has workers, each a BullMQ Worker with the fleet's
// concurrency and a no-op processor, on a queue of its own. Jobs are added in
// bulk; the rate runs from the first add to the last job's finishedOn.

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
const ADD_CHUNK = 1000;

export interface BaselineResult {
  jobs: number;
  seconds: number;
  jobsPerSecond: number;
}

export async function runBullmqBaseline(opts: {
  redis: Redis;
  redisUrl: string;
  prefix: string;
  processes: number;
  concurrency: number;
  jobs: number;
  /** The fleet workers' runtime settings (NODE_OPTIONS, GLIBC_TUNABLES), so both pay the same. */
  runtimeEnv: Record<string, string>;
}): Promise<BaselineResult> {
  const name = 'baseline';
  const queue = new Queue(name, { connection: opts.redis, prefix: opts.prefix });
  const children = Array.from({ length: opts.processes }, () =>
    trackChild(
      spawn(
        process.execPath,
        ['--conditions=@backups/source', '--import', 'tsx', `${BENCH_DIR}bullmq-noop-worker.ts`],
        {
          cwd: BENCH_DIR,
          env: {
            PATH: process.env.PATH ?? '',
            HOME: process.env.HOME ?? '/tmp',
            ...opts.runtimeEnv,
            BASELINE_REDIS_URL: opts.redisUrl,
            BASELINE_PREFIX: opts.prefix,
            BASELINE_QUEUE: name,
            BASELINE_CONCURRENCY: String(opts.concurrency),
          },
          stdio: ['ignore', 'ignore', 'inherit'],
        },
      ),
    ),
  );
  try {
    await waitFor(async () => (await queue.getWorkersCount()) >= opts.processes, 60_000, 'baseline workers');
    const started = Date.now();
    for (let i = 0; i < opts.jobs; i += ADD_CHUNK) {
      const n = Math.min(ADD_CHUNK, opts.jobs - i);
      await queue.addBulk(Array.from({ length: n }, (_, j) => ({ name: 'noop', data: { i: i + j } })));
    }
    await waitFor(async () => (await queue.getCompletedCount()) >= opts.jobs, 600_000, 'baseline jobs');
    const [last] = await queue.getJobs(['completed'], 0, 0, false);
    const seconds = ((last?.finishedOn ?? Date.now()) - started) / 1000;
    return { jobs: opts.jobs, seconds, jobsPerSecond: opts.jobs / seconds };
  } finally {
    await Promise.all(children.map((c) => stopChild(c)));
    await queue.close();
  }
}

async function waitFor(done: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  for (const start = Date.now(); !(await done()); ) {
    interrupted.signal.throwIfAborted();
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
