// The AWS-bound benchmark (not a test): the fleet backs up BENCH_DEPLOYMENTS deployments
// against the EC2 emulator with AWS's default limits on (pending snapshots per region
// and per volume, per-volume spacing, request token buckets) at time scale 0.1, the
// backups asked of the public API. It prints the drain time against the least the
// limits allow, EC2 calls per completed backup with refused calls apart, failures, and
// each worker's peak RSS, beside the targets (printed, never asserted).
// Run: pnpm -w run build, then pnpm --filter @backups/worker bench:aws
//   BENCH_DEPLOYMENTS (1000), WORKER_CONCURRENCY (32): the load;
//   BENCH_TIME_SCALE (0.1): the emulator's clock; the fleet's rates and spacing follow it;
//   BENCH_POLL_MS (750): the workers' POLL_INTERVAL_MS;
//   BENCH_REQUESTS_IN_FLIGHT (32): POSTs to the API at once;
//   BENCH_WORKER_ENTRY, BENCH_API_ENTRY (dist/main.js; `src`: through tsx).

import { DEFAULT_LIMITS } from '@backups/ec2-emulator';
import { BackupSchema } from '@backups/shared/backups';
import { createApiKey, createTenant } from '@backups/shared/tenants';
import { workerEnvSchema } from '../src/env.js';
import { workerEnv } from '../test/harness/processes.js';
import { startApi } from './api-process.js';
import { printAwsReport } from './aws-report.js';
import { openBenchSession, REDIS_URL } from './bench-session.js';
import { interrupted } from './children.js';
import { limitBoundDrain } from './drain-bound.js';
import { callsBetween } from './emulator-calls.js';
import { log } from './print.js';
import { requestBackups } from './request-backups.js';
import { seedDeployments } from './seed-deployments.js';
import { assertRunning, procRss, startWorkers, stopWorkers } from './worker-fleet.js';

const DEPLOYMENTS = Number(process.env.BENCH_DEPLOYMENTS ?? 1000);
const CONCURRENCY = Number(process.env.WORKER_CONCURRENCY ?? 32);
const TIME_SCALE = Number(process.env.BENCH_TIME_SCALE ?? 0.1);
const POLL_MS = Number(process.env.BENCH_POLL_MS ?? 750);
const IN_FLIGHT = Number(process.env.BENCH_REQUESTS_IN_FLIGHT ?? 32);
const SETTLED = ['completed', 'failed'] as const;
const STALL_MS = 10 * 60_000;

// Seeding launches the instances far faster than RunInstances' bucket allows, so the limits
// go on once the fleet is registered.
const session = await openBenchSession({ timeScale: TIME_SCALE, limits: false });
const { emu } = session;

try {
  log(`seeding ${DEPLOYMENTS} deployments (1 node, 8 and 16 GiB data volumes each) ...`);
  const tenantId = await createTenant(session.em(), { name: 'bench', plan: 'enterprise' });
  const { secret } = await createApiKey(session.em(), {
    tenantId,
    name: 'bench',
    permissions: ['deployment:read', 'deployment:manage'],
  });
  const fleet = await seedDeployments(session.em, emu.endpoint, tenantId, DEPLOYMENTS);
  const emulatorConfig = await emu.control.configure({ limits: DEFAULT_LIMITS });
  const { limits } = emulatorConfig;

  // The fleet's settings, scaled like the emulator's clock: its rates are per real second,
  // so the nominal defaults are divided by the scale (bursts are counts, kept); its spacing
  // and cap are the emulator's own limits.
  const defaults = workerEnvSchema.parse({});
  const env = workerEnv(
    { databaseUrl: session.databaseUrl, redisUrl: REDIS_URL, prefix: session.prefix, endpoint: emu.endpoint },
    {
      WORKER_REPORT_STATS: 'true',
      WORKER_CONCURRENCY: String(CONCURRENCY),
      POLL_INTERVAL_MS: String(POLL_MS),
      EC2_MUTATING_RATE_PER_SEC: String(defaults.EC2_MUTATING_RATE_PER_SEC / TIME_SCALE),
      EC2_MUTATING_BURST: String(defaults.EC2_MUTATING_BURST),
      EC2_DESCRIBE_RATE_PER_SEC: String(defaults.EC2_DESCRIBE_RATE_PER_SEC / TIME_SCALE),
      EC2_DESCRIBE_BURST: String(defaults.EC2_DESCRIBE_BURST),
      SNAPSHOT_REGION_CAP: String(limits.pendingSnapshotsPerRegion ?? 1_000_000),
      SNAPSHOT_VOLUME_SPACING_MS: String(Math.round((limits.snapshotIntervalPerVolumeMs ?? 0) * TIME_SCALE)),
      // Leases and BullMQ locks guard against a dead worker (none dies here) and are renewed
      // during a step; steps take real milliseconds whatever the scale, so real 30 s suffices.
      OPERATION_LEASE_MS: '30000',
      JOB_LOCK_DURATION_MS: '30000',
      JOB_STALLED_INTERVAL_MS: '30000',
    },
  );
  const api = await startApi({
    databaseUrl: session.databaseUrl,
    redisUrl: REDIS_URL,
    prefix: session.prefix,
  });
  const workers = await startWorkers(env, session.queues);

  log(`requesting one backup per deployment through ${api.baseUrl} (${IN_FLIGHT} in flight) ...`);
  const callsBefore = await emu.control.calls();
  const requests = await requestBackups(api.baseUrl, secret, fleet.deploymentIds, IN_FLIGHT);
  if (requests.accepted === 0)
    throw new Error(
      `the API accepted no backup: ${requests.refused[0]?.status} ${requests.refused[0]?.body}`,
    );

  const em = session.em();
  let progress = { settled: 0, at: Date.now() };
  for (let lastReport = Date.now(); ; ) {
    interrupted.signal.throwIfAborted();
    assertRunning(workers);
    const settled = await em.count(BackupSchema, { status: { $in: [...SETTLED] } });
    if (settled >= requests.accepted) break;
    if (settled > progress.settled) progress = { settled, at: Date.now() };
    // No snapshot takes longer than a few minutes at any sensible scale: a fleet that settles
    // nothing for STALL_MS is stuck, and waiting on would only hide it.
    if (Date.now() - progress.at > STALL_MS)
      throw new Error(`no backup settled for ${STALL_MS / 1000} s (${settled} of ${requests.accepted})`);
    if (Date.now() - lastReport >= 15_000) {
      lastReport = Date.now();
      log(
        `  ${settled} of ${requests.accepted} settled after ${((lastReport - requests.firstAcceptedAt) / 1000).toFixed(0)} s`,
      );
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  // The drain ends with the last backup's own transition, not with this loop's next look.
  const [last] = await em.find(
    BackupSchema,
    { status: { $in: [...SETTLED] } },
    { orderBy: { updatedAt: 'desc' }, limit: 1, fields: ['updatedAt'] },
  );
  const drainS = ((last?.updatedAt.getTime() ?? Date.now()) - requests.firstAcceptedAt) / 1000;

  const peak = workers.map(procRss);
  const stats = await stopWorkers(workers);
  const calls = callsBetween(callsBefore, await emu.control.calls());
  const failedCount = await em.count(BackupSchema, { status: 'failed' });
  const failedSample = await em.find(
    BackupSchema,
    { status: 'failed' },
    { limit: 5, orderBy: { id: 'asc' }, fields: ['id', 'failureReason'] },
  );

  printAwsReport({
    deployments: DEPLOYMENTS,
    concurrency: CONCURRENCY,
    workerEnv: env,
    emulatorConfig,
    bound: limitBoundDrain(emulatorConfig, fleet.volumeSizesGiB, fleet.nodes),
    drainS,
    requests,
    completed: await em.count(BackupSchema, { status: 'completed' }),
    failed: {
      count: failedCount,
      reasons: failedSample.map((b) => `backup ${b.id}: ${b.failureReason ?? '(no reason recorded)'}`),
    },
    calls,
    workerStats: stats,
    peakRss: peak,
  });
} finally {
  await session.close();
}
