import { once } from 'node:events';
import { createLogger } from '@backups/shared';
import { ensureDatabase } from '@backups/shared/db';
import { createMigratingOrm } from '@backups/shared/db/migrator';
import { registerDeployment } from '@backups/shared/deployments';
import { createRedis, JobQueues } from '@backups/shared/jobs';
import { createApiKey, createTenant } from '@backups/shared/tenants';
import type { EntityManager } from '@mikro-orm/postgresql';
import autocannon from 'autocannon';
import { Hono } from 'hono';
import pg from 'pg';
import { type AppDeps, createApp } from '../src/app.js';
import { BackupListCache } from '../src/cache/backup-list-cache.js';
import { serveForBench } from './bench-server.js';
import { targetsReport } from './targets.js';

// Throughput and latency of the list and create endpoints at 64 connections,
// beside a bare Hono route doing one Postgres query (the floor this machine
// allows), all in one process. Prints figures; asserts nothing.

const PG_ADMIN = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
/** e.g. BENCH_ONLY=list to profile one endpoint; all of them by default. */
const ONLY = new Set((process.env.BENCH_ONLY ?? 'baseline,list,list-direct,create,spread').split(','));

const dbName = `bench_api_${Date.now()}`;
const dbUrl = new URL(PG_ADMIN);
dbUrl.pathname = `/${dbName}`;
const prefix = `bench${Date.now().toString(36)}`;

await ensureDatabase(dbUrl.toString());
const orm = await createMigratingOrm({ databaseUrl: dbUrl.toString(), poolMax: 10 });
await orm.migrator.up();
const em = orm.em.fork() as EntityManager;
// Creates are measured with durable commits: the run says what the server does.
const [setting] = await em.execute<{ synchronous_commit: string }[]>('show synchronous_commit');
const synchronousCommit = setting?.synchronous_commit ?? 'unknown';

// Enterprise with a negotiated limit far above what the run creates, so creates measure the
// whole accepted path (lock, count, two inserts, commit, enqueue) rather than 409s.
const tenantId = await createTenant(em, {
  name: 'bench',
  plan: 'enterprise',
  backupLimitOverride: 10_000_000,
});
const { secret } = await createApiKey(em, {
  tenantId,
  name: 'bench',
  permissions: ['deployment:read', 'deployment:manage'],
});
const { id: deploymentId } = await registerDeployment(em, {
  tenantId,
  name: 'bench',
  cloud: 'aws',
  region: 'us-west-1',
  storageType: 'network',
  version: '0.4.0',
  nodes: [{ instanceId: 'i-0bench0000000001', availabilityZone: 'us-west-1a', volumes: [] }],
});
// 64 more deployments: creates spread over them show what the per-deployment row lock costs.
const spreadIds: bigint[] = [];
for (let i = 0; i < 64; i++) {
  const { id } = await registerDeployment(em, {
    tenantId,
    name: `spread-${i}`,
    cloud: 'aws',
    region: 'us-west-1',
    storageType: 'network',
    version: '0.4.0',
    nodes: [
      { instanceId: `i-0spread${String(i).padStart(9, '0')}`, availabilityZone: 'us-west-1a', volumes: [] },
    ],
  });
  spreadIds.push(id);
}
// A second deployment with 10 backups (a Pro-sized list) for the list endpoint.
const { id: listDeploymentId } = await registerDeployment(em, {
  tenantId,
  name: 'bench-list',
  cloud: 'aws',
  region: 'us-west-1',
  storageType: 'network',
  version: '0.4.0',
  nodes: [{ instanceId: 'i-0bench0000000002', availabilityZone: 'us-west-1a', volumes: [] }],
});
for (let i = 0; i < 10; i++) {
  await em.execute(
    `insert into backups (deployment_id, name, backup_type, status, region, size_bytes, started_at, completed_at)
     values (?, ?, 'manual', 'completed', 'us-west-1', 53687091200, now(), now())`,
    [listDeploymentId, `b-${i}`],
  );
}

const redis = createRedis(REDIS_URL, 'producer');
redis.on('error', () => undefined); // a late EPIPE while closing is not a finding
await once(redis, 'ready');
const queues = new JobQueues(redis, prefix);
const logger = createLogger({ service: 'api-bench', level: 'silent', pretty: false });
// The API as it runs: rendered lists kept between polls, dropped as changes commit.
const listCache = new BackupListCache({
  databaseUrl: dbUrl.toString(),
  redis,
  redisPrefix: prefix,
  logger,
  maxEntries: 2_000,
});
await listCache.start();
const appDeps: AppDeps = {
  orm,
  redis,
  queues,
  logger,
  listCache,
  settings: {
    rateLimitRequests: 10_000_000,
    rateLimitWindowSeconds: 60,
    authCacheTtlMs: 2_000,
    bodyLimitBytes: 16_384,
    // Above any latency the run sees: a request cut off by the deadline leaves its handler
    // running unseen, and teardown must wait for every handler (bench-server.ts).
    requestTimeoutMs: 120_000,
    redisPrefix: prefix,
    authFailureLimit: 10_000_000,
    authFailureWindowSeconds: 60,
    trustProxyHops: 0,
  },
};
const app = createApp(appDeps);
// The same API with BACKUP_LIST_CACHE_ENTRIES=0: every list read from Postgres.
const uncached = createApp({ ...appDeps, listCache: undefined });
const baseline = new Hono().get('/baseline', async (c) => {
  const rows = await orm.em.fork().getConnection().execute('select 1 as one');
  return c.json(rows);
});

const api = await serveForBench(app.fetch);
const apiUncached = await serveForBench(uncached.fetch);
const bare = await serveForBench(baseline.fetch);

interface Row {
  key: string;
  name: string;
  p50: number;
  p99: number;
  rps: number;
  statuses: string;
}

async function run(key: string, name: string, opts: autocannon.Options): Promise<Row> {
  const result = await autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...opts });
  const statuses = Object.entries({
    '2xx': result['2xx'],
    '4xx': result['4xx'],
    '5xx': result['5xx'],
    errors: result.errors,
  })
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k}=${n}`)
    .join(' ');
  return {
    key,
    name,
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: Math.round(result.requests.average),
    statuses,
  };
}

const headers = { 'ld-api-key': secret, 'content-type': 'application/json' };
const rows: Row[] = [];
try {
  if (ONLY.has('baseline')) {
    rows.push(await run('baseline', 'baseline: bare Hono + select 1', { url: `${bare.url}/baseline` }));
  }
  if (ONLY.has('list')) {
    rows.push(
      await run('list', 'GET  /deployments/{id}/backups (10 items)', {
        url: `${api.url}/deployments/${listDeploymentId}/backups`,
        headers,
      }),
    );
  }
  if (ONLY.has('list-direct')) {
    rows.push(
      await run('list-direct', 'GET  .../backups, list cache off', {
        url: `${apiUncached.url}/deployments/${listDeploymentId}/backups`,
        headers,
      }),
    );
  }
  if (ONLY.has('create')) {
    rows.push(
      await run('create', 'POST /deployments/{id}/backups (204 path)', {
        url: `${api.url}/deployments/${deploymentId}/backups`,
        method: 'POST',
        headers,
        body: JSON.stringify({ name: 'bench', expires_in_days: 7 }),
      }),
    );
  }
  if (ONLY.has('spread')) {
    let next = 0;
    rows.push(
      await run('spread', 'POST .../backups over 64 deployments', {
        url: api.url,
        method: 'POST',
        headers,
        body: JSON.stringify({ name: 'bench', expires_in_days: 7 }),
        requests: [
          {
            // Round-robin over the deployments, so creates rarely queue on one row lock.
            setupRequest: (req) => ({
              ...req,
              path: `/deployments/${spreadIds[next++ % spreadIds.length]}/backups`,
            }),
          },
        ],
      }),
    );
  }
} finally {
  // Servers and their handlers first, then the queues, Redis and Postgres they use.
  await Promise.all([api.close(), apiUncached.close(), bare.close()]);
}

process.stdout.write(
  `\n${CONNECTIONS} connections, ${DURATION_S}s each, one process (server + autocannon), node ${process.version}, synchronous_commit=${synchronousCommit}\n`,
);
process.stdout.write(
  `${'endpoint'.padEnd(44)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'req/s'.padStart(7)}  statuses\n`,
);
for (const r of rows) {
  process.stdout.write(
    `${r.name.padEnd(44)} ${String(r.p50).padStart(7)} ${String(r.p99).padStart(7)} ${String(r.rps).padStart(7)}  ${r.statuses}\n`,
  );
}
process.stdout.write(targetsReport(rows));

// Clean up: the bench database and this run's Redis keys.
await listCache.close();
await queues.close();
let cursor = '0';
do {
  const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
  cursor = next;
  if (keys.length) await redis.del(...keys);
} while (cursor !== '0');
await redis.quit();
await orm.close(true);
const admin = new pg.Client({ connectionString: PG_ADMIN });
await admin.connect();
await admin.query(`drop database if exists "${dbName}" with (force)`);
await admin.end();
