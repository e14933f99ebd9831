// Throughput and memory benchmark (not a test), "fast mode": 2 worker processes back
// up 1000 deployments on the EC2 emulator at a high time-scale with no limits, and
// report backups/s, EC2 calls per backup, and each worker's RSS once started (idle)
// and at its peak (VmHWM, the kernel's high-water mark), with the heap breakdown at
// the peak. Then, in the same run, a raw BullMQ baseline: the same number of processes
// and concurrency running no-op jobs, and backups/s against its jobs/s.
// Run: pnpm --filter @backups/worker bench   (the AWS-bound mode: bench:aws, aws.bench.ts)
//   BENCH_DEPLOYMENTS (1000), WORKER_CONCURRENCY (32): the load;
//   BENCH_BASELINE_JOBS (20000): the baseline's no-op jobs;
//   BENCH_WORKER_ENTRY (dist/main.js, the compiled build; turbo builds it first):
//     `src` runs src/main.ts through tsx instead, or give the path of another build;
//   BENCH_NODE_ARGS='--optimize-for-size': extra node flags for the workers;
//   BENCH_NODE_OPTIONS='', BENCH_GLIBC_TUNABLES='': the workers' NODE_OPTIONS / GLIBC_TUNABLES
//     instead of the production ones (src/runtime.ts), e.g. empty to measure V8's and glibc's defaults;
//   BENCH_HEAP_SNAPSHOT_DIR=/tmp/snaps: the first worker writes a heap snapshot when idle and
//   when half the backups are done (they pause it for seconds: do not read the timings then).

import { createTenant } from '@backups/shared/tenants';
import { workerEnv } from '../test/harness/processes.js';
import { openBenchSession, REDIS_URL, REGION } from './bench-session.js';
import { runBullmqBaseline } from './bullmq-baseline.js';
import { interrupted } from './children.js';
import { callsBetween, sumCalls } from './emulator-calls.js';
import { log, per, row } from './print.js';
import { seedDeployments } from './seed-deployments.js';
import { printTargets } from './targets.js';
import {
  printWorkerMemory,
  procRss,
  startWorkers,
  stopWorkers,
  WORKER_COUNT,
  WORKER_ENTRY,
  workerCalls,
} from './worker-fleet.js';

const DEPLOYMENTS = Number(process.env.BENCH_DEPLOYMENTS ?? 1000);
const CONCURRENCY = Number(process.env.WORKER_CONCURRENCY ?? 32);
const BASELINE_JOBS = Number(process.env.BENCH_BASELINE_JOBS ?? 20_000);
const TIME_SCALE = 0.0002;
const SNAPSHOT_DIR = process.env.BENCH_HEAP_SNAPSHOT_DIR || undefined;
const NODE_ARGS = [
  ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
  ...(SNAPSHOT_DIR ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${SNAPSHOT_DIR}`] : []),
];

// No limits anywhere, so the run measures the fleet's own cost per backup: the emulator
// enforces none, and the workers get budgets far above what they can spend.
const session = await openBenchSession({ timeScale: TIME_SCALE, limits: false });
const { emu, queues } = session;

try {
  log(`seeding ${DEPLOYMENTS} deployments (1 node, 2 data volumes each) ...`);
  const tenantId = await createTenant(session.em(), { name: 'bench', plan: 'enterprise' });
  const { deploymentIds } = await seedDeployments(session.em, emu.endpoint, tenantId, DEPLOYMENTS);

  const env = workerEnv(
    { databaseUrl: session.databaseUrl, redisUrl: REDIS_URL, prefix: session.prefix, endpoint: emu.endpoint },
    {
      WORKER_REPORT_STATS: 'true',
      POLL_INTERVAL_MS: '200',
      OPERATION_LEASE_MS: '30000',
      JOB_LOCK_DURATION_MS: '30000',
      JOB_STALLED_INTERVAL_MS: '30000',
      WORKER_CONCURRENCY: String(CONCURRENCY),
      // The snapshot admission ledger (a worker that reads it): no cap the run could reach, no spacing.
      SNAPSHOT_REGION_CAP: '1000000',
      SNAPSHOT_VOLUME_SPACING_MS: '0',
      // BENCH_NODE_OPTIONS='' / BENCH_GLIBC_TUNABLES='' measure without the production settings.
      ...(process.env.BENCH_NODE_OPTIONS !== undefined
        ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS }
        : {}),
      ...(process.env.BENCH_GLIBC_TUNABLES !== undefined
        ? { GLIBC_TUNABLES: process.env.BENCH_GLIBC_TUNABLES }
        : {}),
    },
  );
  const workers = await startWorkers(env, queues, NODE_ARGS);
  // Both processes booted (their BullMQ workers are connected), then a moment to settle: idle RSS.
  await new Promise((r) => setTimeout(r, 2000));
  const idle = workers.map(procRss);
  const snapshot = () => SNAPSHOT_DIR && workers[0]?.child.kill('SIGUSR2');
  snapshot();
  await new Promise((r) => setTimeout(r, SNAPSHOT_DIR ? 5000 : 0));

  log('requesting one backup per deployment ...');
  // Backups are asked for as in every earlier run of this mode (the rows the API writes, then
  // the signal), so its figures stay comparable; the AWS-bound mode goes through the API.
  const conn = session.em().getConnection();
  const emuCallsBefore = await emu.control.calls();
  const started = Date.now();
  let snapshotTaken = false;
  for (const id of deploymentIds) {
    await conn.execute(
      `with b as (insert into backups (deployment_id, name, backup_type, region) values (?, 'bench', 'manual', ?) returning id)
       insert into operations (deployment_id, kind, backup_id) select ?, 'backup', id from b`,
      [id.toString(), REGION, id.toString()],
    );
    await queues.enqueue('operation.drive', { deploymentId: id.toString() });
  }
  let failed = 0;
  for (;;) {
    interrupted.signal.throwIfAborted();
    const [r] = await conn.execute<{ done: number; failed: number }[]>(
      `select count(*) filter (where status in ('succeeded', 'failed'))::int as done, count(*) filter (where status = 'failed')::int as failed from operations`,
    );
    if ((r?.done ?? 0) >= DEPLOYMENTS) {
      failed = r?.failed ?? 0;
      break;
    }
    if (!snapshotTaken && (r?.done ?? 0) >= DEPLOYMENTS / 2) {
      snapshotTaken = true;
      snapshot();
    }
    await new Promise((res) => setTimeout(res, 250));
  }
  const elapsed = (Date.now() - started) / 1000;

  const peak = workers.map(procRss);
  const stats = await stopWorkers(workers);
  const calls = callsBetween(emuCallsBefore, await emu.control.calls());
  const emuTotal = sumCalls(calls);
  const byAction = workerCalls(stats);
  const workerTotal = [...byAction.values()].reduce(
    (a, m) => a + [...m.values()].reduce((x, y) => x + y, 0),
    0,
  );

  log('measuring the raw BullMQ baseline ...');
  const baseline = await runBullmqBaseline({
    redis: session.redis,
    redisUrl: REDIS_URL,
    prefix: `${session.prefix}-baseline`,
    processes: WORKER_COUNT,
    concurrency: CONCURRENCY,
    jobs: BASELINE_JOBS,
    runtimeEnv: { NODE_OPTIONS: env.NODE_OPTIONS ?? '', GLIBC_TUNABLES: env.GLIBC_TUNABLES ?? '' },
  });
  const backupsPerSecond = DEPLOYMENTS / elapsed;

  log('');
  log(
    row(
      'deployments / backups',
      `${DEPLOYMENTS} (2 data volumes each, ${WORKER_COUNT} worker processes x concurrency ${CONCURRENCY})`,
    ),
  );
  log(row('emulator', `time scale ${TIME_SCALE} (a 16 GiB snapshot takes ~34 ms), no limits`));
  log(row('elapsed', `${elapsed.toFixed(1)} s`));
  log(row('failed backups', String(failed)));
  log(row('backups completed per second', backupsPerSecond.toFixed(1)));
  log(
    row(
      'raw BullMQ no-op jobs per second',
      `${baseline.jobsPerSecond.toFixed(0)} (${baseline.jobs} jobs in ${baseline.seconds.toFixed(1)} s, ${WORKER_COUNT} processes x concurrency ${CONCURRENCY})`,
    ),
  );
  log(row('backups/s : baseline jobs/s', `1 : ${(baseline.jobsPerSecond / backupsPerSecond).toFixed(1)}`));
  log(
    row(
      'EC2 calls per backup',
      `${per(workerTotal, DEPLOYMENTS)} (emulator counted ${per(emuTotal.total, DEPLOYMENTS)}, ${emuTotal.refused} refused)`,
    ),
  );
  for (const [action, outcomes] of [...byAction.entries()].sort())
    log(
      `  ${action.padEnd(20)} ${per(
        [...outcomes.values()].reduce((a, b) => a + b, 0),
        DEPLOYMENTS,
      )}`,
    );
  log(
    row(
      'worker runs',
      `node ${[...NODE_ARGS, WORKER_ENTRY ?? 'src/main.ts (tsx)'].join(' ')}, NODE_OPTIONS=${env.NODE_OPTIONS ?? ''}, GLIBC_TUNABLES=${env.GLIBC_TUNABLES ?? ''}`,
    ),
  );
  printWorkerMemory(idle, peak, stats);
  printTargets([
    {
      name: `backups/s with ${WORKER_COUNT} workers`,
      measured: backupsPerSecond.toFixed(1),
      goal: '>= 100',
      met: backupsPerSecond >= 100,
    },
    {
      name: 'backups/s as a share of baseline jobs/s',
      measured: `1/${(baseline.jobsPerSecond / backupsPerSecond).toFixed(1)}`,
      goal: '>= 1/10',
      met: backupsPerSecond * 10 >= baseline.jobsPerSecond,
    },
  ]);
} finally {
  await session.close();
}
