// Throughput and memory benchmark (not a test): 2 worker processes back up 1000
// deployments on the EC2 emulator at a high time-scale and report backups/s, EC2
// calls per backup, and each worker's RSS once started (idle) and at its peak
// (VmHWM, the kernel's high-water mark), with the heap breakdown at the peak.
// Run: pnpm --filter @backups/worker bench
//   BENCH_DEPLOYMENTS (1000), WORKER_CONCURRENCY (32): the load;
//   BENCH_WORKER_ENTRY (dist/main.js, the compiled build; turbo builds it first):
//     `src` runs src/main.ts through tsx instead, or give the path of another build;
//   BENCH_NODE_ARGS='--optimize-for-size': extra node flags for the workers;
//   BENCH_NODE_OPTIONS='', BENCH_GLIBC_TUNABLES='': the workers' NODE_OPTIONS / GLIBC_TUNABLES
//     instead of the production ones (src/runtime.ts), e.g. empty to measure V8's and glibc's defaults;
//   BENCH_HEAP_SNAPSHOT_DIR=/tmp/snaps: the first worker writes a heap snapshot when idle and
//   when half the backups are done (they pause it for seconds: do not read the timings then).

import { readFileSync } from 'node:fs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { seedInstance, startEc2Emulator } from '@backups/ec2-emulator';
import { createMigratingOrm } from '@backups/shared/db/migrator';
import { Ec2Adapter } from '@backups/shared/ec2';
import { JobQueues } from '@backups/shared/jobs';
import { Redis } from 'ioredis';
import pg from 'pg';
import { spawnWorker, type WorkerProcess, workerEnv } from '../test/harness/processes.js';

const DEPLOYMENTS = Number(process.env.BENCH_DEPLOYMENTS ?? 1000);
const CONCURRENCY = Number(process.env.WORKER_CONCURRENCY ?? 32);
const ENTRY_SETTING = process.env.BENCH_WORKER_ENTRY || 'dist/main.js';
const WORKER_ENTRY = ENTRY_SETTING === 'src' ? undefined : ENTRY_SETTING;
const SNAPSHOT_DIR = process.env.BENCH_HEAP_SNAPSHOT_DIR || undefined;
const NODE_ARGS = [
  ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
  ...(SNAPSHOT_DIR ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${SNAPSHOT_DIR}`] : []),
];
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const REGION = 'us-west-1';
const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };

const dbName = `bt_db_${Date.now()}_bench`;
const dbUrl = new URL(ADMIN_URL);
dbUrl.pathname = `/${dbName}`;
const prefix = `bench${Date.now().toString(36)}`;

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

function log(msg: string): void {
  process.stdout.write(`${msg}\n`);
}

const MiB = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** VmRSS (now) and VmHWM (the peak so far) of a live process, in bytes. */
function procRss(w: WorkerProcess): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${w.child.pid}/status`, 'utf8');
  const kib = (field: string) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN);
  return { rss: kib('VmRSS') * 1024, hwm: kib('VmHWM') * 1024 };
}

const breakdown = (m: NodeJS.MemoryUsage) =>
  `rss ${MiB(m.rss)}, heap used ${MiB(m.heapUsed)} of ${MiB(m.heapTotal)}, external ${MiB(m.external)} (array buffers ${MiB(m.arrayBuffers)})`;

await admin(`create database "${dbName}"`);
const orm = await createMigratingOrm({ databaseUrl: dbUrl.toString(), poolMax: 4 });
await orm.migrator.up();
const emu = await startEc2Emulator({ port: 0, region: REGION, timeScale: 0.0002 });
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const queues = new JobQueues(redis, prefix);
const client = new EC2Client({ region: REGION, endpoint: emu.endpoint, credentials });
const adapter = new Ec2Adapter({ region: REGION, endpoint: emu.endpoint, credentials });

try {
  log(`seeding ${DEPLOYMENTS} deployments (1 node, 2 data volumes each) ...`);
  const conn = orm.em.fork().getConnection();
  const [tenant] = await conn.execute<{ id: string }[]>(
    `insert into tenants (name, plan) values ('bench', 'enterprise') returning id::text`,
  );
  const seeded = [];
  for (let i = 0; i < DEPLOYMENTS; i += 25) {
    seeded.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(25, DEPLOYMENTS - i) }, () =>
          seedInstance(client, {
            az: `${REGION}a`,
            dataVolumes: [
              { device: '/dev/sdf', sizeGiB: 8 },
              { device: '/dev/sdg', sizeGiB: 16 },
            ],
          }),
        ),
      )),
    );
  }
  const infos = new Map(
    (await adapter.describeInstances(seeded.map((s) => s.instanceId))).map((i) => [i.instanceId, i]),
  );
  const deploymentIds: string[] = [];
  for (const [i, s] of seeded.entries()) {
    const info = infos.get(s.instanceId);
    if (!info) throw new Error('instance missing');
    const [d] = await conn.execute<{ id: string }[]>(
      `with d as (insert into deployments (tenant_id, name, cloud, region, storage_type, version) values (?, ?, 'aws', ?, 'network', '0.4.0') returning id),
            n as (insert into nodes (deployment_id, name, instance_id, availability_zone) select id, 'node-1', ?, ? from d returning id)
       insert into volumes (node_id, volume_id, device_name, size_gib, volume_type, iops, throughput, encrypted)
       select n.id, v.volume_id, v.device, v.size, v.type, v.iops, v.throughput, false
         from n, jsonb_to_recordset(?::jsonb) as v(volume_id text, device text, size int, type text, iops int, throughput int)
       returning (select id::text from d)`,
      [
        tenant?.id,
        `bench-${i}`,
        REGION,
        info.instanceId,
        info.availabilityZone,
        JSON.stringify(
          info.dataVolumes.map((v) => ({
            volume_id: v.volumeId,
            device: v.device,
            size: v.sizeGiB,
            type: v.volumeType,
            iops: v.iops,
            throughput: v.throughput,
          })),
        ),
      ],
    );
    if (d) deploymentIds.push(d.id);
  }

  const env = workerEnv(
    { databaseUrl: dbUrl.toString(), redisUrl: REDIS_URL, prefix, endpoint: emu.endpoint },
    {
      WORKER_REPORT_STATS: 'true',
      POLL_INTERVAL_MS: '200',
      OPERATION_LEASE_MS: '30000',
      JOB_LOCK_DURATION_MS: '30000',
      JOB_STALLED_INTERVAL_MS: '30000',
      WORKER_CONCURRENCY: String(CONCURRENCY),
      // BENCH_NODE_OPTIONS='' / BENCH_GLIBC_TUNABLES='' measure without the production settings.
      ...(process.env.BENCH_NODE_OPTIONS !== undefined
        ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS }
        : {}),
      ...(process.env.BENCH_GLIBC_TUNABLES !== undefined
        ? { GLIBC_TUNABLES: process.env.BENCH_GLIBC_TUNABLES }
        : {}),
    },
  );
  const workers = [0, 1].map(() => spawnWorker(env, { nodeArgs: NODE_ARGS, entry: WORKER_ENTRY }));
  // Both processes booted (their BullMQ workers are connected), then a moment to settle: idle RSS.
  for (const start = Date.now(); ; ) {
    const counts = await Promise.all(
      (['operations', 'deletes'] as const).map((q) => queues.queue(q).getWorkersCount()),
    );
    if (counts.every((n) => n >= workers.length)) break;
    if (Date.now() - start > 60_000)
      throw new Error(`workers did not start: ${workers[0]?.output().slice(-500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 2000));
  const idle = workers.map(procRss);
  const snapshot = () => SNAPSHOT_DIR && workers[0]?.child.kill('SIGUSR2');
  snapshot();
  await new Promise((r) => setTimeout(r, SNAPSHOT_DIR ? 5000 : 0));

  log('requesting one backup per deployment ...');
  const emuCallsBefore = await emu.control.calls();
  const started = Date.now();
  let snapshotTaken = false;
  for (const id of deploymentIds) {
    await conn.execute(
      `with b as (insert into backups (deployment_id, name, backup_type, region) values (?, 'bench', 'manual', ?) returning id)
       insert into operations (deployment_id, kind, backup_id) select ?, 'backup', id from b`,
      [id, REGION, id],
    );
    await queues.enqueue('operation.drive', { deploymentId: id });
  }
  for (;;) {
    const [r] = await conn.execute<{ done: number; failed: number }[]>(
      `select count(*) filter (where status in ('succeeded', 'failed'))::int as done, count(*) filter (where status = 'failed')::int as failed from operations`,
    );
    if ((r?.done ?? 0) >= DEPLOYMENTS) {
      if (r?.failed) log(`WARNING: ${r.failed} backups failed`);
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
  await Promise.all(workers.map((w) => w.stop()));
  const reports = workers.map((w) => {
    const line = w
      .output()
      .split('\n')
      .find((l) => l.startsWith('{"ec2Calls"'));
    if (!line) throw new Error(`no stats from worker: ${w.output().slice(-500)}`);
    return JSON.parse(line) as {
      ec2Calls: { action: string; outcome: string; count: number }[];
      maxRssBytes: number;
      cpuSeconds: number;
      memory: { started: NodeJS.MemoryUsage; peak: NodeJS.MemoryUsage };
    };
  });
  const byAction = new Map<string, number>();
  for (const r of reports)
    for (const c of r.ec2Calls) byAction.set(c.action, (byAction.get(c.action) ?? 0) + c.count);
  const totalCalls = [...byAction.values()].reduce((a, b) => a + b, 0);
  const emuCallsAfter = await emu.control.calls();
  const emuTotal = Object.entries(emuCallsAfter).reduce(
    (a, [k, v]) => a + v.total - (emuCallsBefore[k]?.total ?? 0),
    0,
  );

  log('');
  log(
    `deployments / backups:        ${DEPLOYMENTS} (2 data volumes each, 2 worker processes x concurrency ${CONCURRENCY})`,
  );
  log(`emulator time scale:          0.0002 (a 16 GiB snapshot takes ~34 ms)`);
  log(`elapsed:                      ${elapsed.toFixed(1)} s`);
  log(`backups completed per second: ${(DEPLOYMENTS / elapsed).toFixed(1)}`);
  log(
    `EC2 calls per backup:         ${(totalCalls / DEPLOYMENTS).toFixed(2)} (emulator counted ${(emuTotal / DEPLOYMENTS).toFixed(2)})`,
  );
  for (const [action, n] of [...byAction.entries()].sort())
    log(`  ${action.padEnd(20)} ${(n / DEPLOYMENTS).toFixed(2)}`);
  log(
    `worker runs:                  node ${[...NODE_ARGS, WORKER_ENTRY ?? 'src/main.ts (tsx)'].join(' ')}, NODE_OPTIONS=${env.NODE_OPTIONS ?? ''}, GLIBC_TUNABLES=${env.GLIBC_TUNABLES ?? ''}`,
  );
  log(`worker CPU time:              ${reports.map((r) => `${r.cpuSeconds.toFixed(1)} s`).join(', ')}`);
  log(`worker idle RSS:              ${idle.map((m) => MiB(m.rss)).join(', ')}`);
  log(`worker peak RSS (VmHWM):      ${peak.map((m) => MiB(m.hwm)).join(', ')}`);
  for (const [i, r] of reports.entries()) {
    log(`  worker ${i} once started:    ${breakdown(r.memory.started)}`);
    log(`  worker ${i} at its peak:     ${breakdown(r.memory.peak)}`);
  }
} finally {
  client.destroy();
  adapter.destroy();
  await queues.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  await emu.stop();
  await orm.close(true);
  await admin(`drop database if exists "${dbName}" with (force)`);
}
