// Benchmark: how the schedule mirror scales in Redis. Prints
//  1. time to upsert 10,000 schedules (BullMQ job schedulers), beside adding
//     10,000 plain delayed jobs (the baseline) in the same run;
//  2. Redis memory those schedules use;
//  3. the firing delay (p50/p99) of 1,000 schedules due in the same minute,
//     beside 1,000 plain delayed jobs due at one instant.
// Not a test: it asserts nothing and uses its own key prefix, removed at the end.
import { JOB_CATALOGUE } from '@backups/shared/jobs';
import { type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { upsertScheduleJob } from '../src/schedules/schedule-jobs.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const UPSERTS = Number(process.env.BENCH_UPSERTS ?? 10_000);
const FIRING = Number(process.env.BENCH_FIRING ?? 1_000);
const prefix = `bench${Date.now().toString(36)}`;
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });

async function usedMemory(): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

async function wipe(): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function timed<T>(fn: () => Promise<T>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function inBatches(n: number, batch: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < n; i += batch) {
    await Promise.all(Array.from({ length: Math.min(batch, n - i) }, (_, k) => fn(i + k)));
  }
}

async function upserts(): Promise<void> {
  const schedules = new Queue('maintenance', { connection: redis, prefix: `${prefix}s` });
  const baseline = new Queue('baseline', { connection: redis, prefix: `${prefix}b` });
  const memBefore = await usedMemory();
  const upsertMs = await timed(() =>
    inBatches(UPSERTS, 100, (i) =>
      upsertScheduleJob(schedules, {
        deploymentId: String(i + 1),
        cron: '0 3 * * *',
        timezone: 'Europe/Warsaw',
        enabled: true,
      }),
    ),
  );
  const memAfter = await usedMemory();
  const baselineMs = await timed(() =>
    inBatches(UPSERTS, 100, (i) => baseline.add('x', { deploymentId: String(i + 1) }, { delay: 3600_000 })),
  );
  console.log(
    `upsert ${UPSERTS} schedules: ${(upsertMs / 1000).toFixed(2)} s (${Math.round(UPSERTS / (upsertMs / 1000))}/s)`,
  );
  console.log(
    `baseline: add ${UPSERTS} delayed jobs: ${(baselineMs / 1000).toFixed(2)} s (${Math.round(UPSERTS / (baselineMs / 1000))}/s)`,
  );
  console.log(
    `redis memory for ${UPSERTS} schedules: ${((memAfter - memBefore) / 1024 / 1024).toFixed(1)} MiB (${Math.round((memAfter - memBefore) / UPSERTS)} B each)`,
  );
  await schedules.close();
  await baseline.close();
}

async function collectDelays(queueName: string, p: string, expected: number, dueOf: (job: Job) => number) {
  const delays: number[] = [];
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((r) => {
    resolveDone = r;
  });
  // BullMQ leaves a connection it was given open: the collector closes its own.
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const worker = new Worker(
    queueName,
    async (job) => {
      delays.push(Date.now() - dueOf(job));
      if (delays.length >= expected) resolveDone();
    },
    { connection, prefix: p, concurrency: 50 },
  );
  const close = async () => {
    await worker.close();
    await connection.quit();
  };
  return { close, delays, done };
}

async function firing(): Promise<void> {
  const p = `${prefix}f`;
  const queue = new Queue('maintenance', { connection: redis, prefix: p });
  // Every schedule fires each minute; all are due at the same minute boundary.
  const dueAt = Math.ceil((Date.now() + 5_000) / 60_000) * 60_000;
  const collector = await collectDelays(
    'maintenance',
    p,
    FIRING,
    (job) => job.timestamp + (job.opts.delay ?? 0),
  );
  // The collector's worker and connection keep the process alive: closed on every path,
  // so a failure ends the run with its error instead of hanging.
  try {
    await inBatches(FIRING, 100, (i) =>
      upsertScheduleJob(queue, {
        deploymentId: String(i + 1),
        cron: '* * * * *',
        timezone: 'UTC',
        enabled: true,
      }),
    );
    console.log(
      `waiting ${Math.round((dueAt - Date.now()) / 1000)} s for ${FIRING} schedules due at ${new Date(dueAt).toISOString()}…`,
    );
    await Promise.race([
      collector.done,
      new Promise((r) => setTimeout(r, dueAt - Date.now() + 60_000).unref()),
    ]);
  } finally {
    await collector.close();
  }
  const sorted = collector.delays.slice(0, FIRING).sort((a, b) => a - b);
  console.log(
    `schedule firing delay (${sorted.length} fired): p50 ${percentile(sorted, 50)} ms, p99 ${percentile(sorted, 99)} ms, max ${sorted.at(-1)} ms`,
  );

  const bp = `${prefix}g`;
  const baseline = new Queue('baseline', { connection: redis, prefix: bp });
  const base = await collectDelays('baseline', bp, FIRING, (job) => job.timestamp + (job.opts.delay ?? 0));
  const at = Date.now() + 3_000;
  try {
    await inBatches(FIRING, 100, (i) =>
      baseline.add('x', { i }, { delay: at - Date.now(), ...JOB_CATALOGUE['schedule.fire'].options }),
    );
    await Promise.race([base.done, new Promise((r) => setTimeout(r, 60_000).unref())]);
  } finally {
    await base.close();
  }
  const bs = base.delays.sort((a, b) => a - b);
  console.log(
    `baseline: ${bs.length} delayed jobs due at one instant: p50 ${percentile(bs, 50)} ms, p99 ${percentile(bs, 99)} ms`,
  );
  await queue.close();
  await baseline.close();
}

try {
  await upserts();
  await firing();
} finally {
  await wipe();
  await redis.quit();
}
