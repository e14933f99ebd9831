import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import {
  type BackupStatus,
  createLogger,
  type Permission,
  type Plan,
  parseJson,
  type RestoreStatus,
} from '@backups/shared';
import { registerDeployment } from '@backups/shared/deployments';
import { createRedis, JobQueues } from '@backups/shared/jobs';
import { createApiKey, createTenant } from '@backups/shared/tenants';
import { type TestDatabase, type TestRedis, useTestDatabase, useTestRedis } from '@backups/testing';
import { serve } from '@hono/node-server';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect } from 'vitest';
import { type AppDeps, createApp } from '../src/app.js';
import { BackupListCache } from '../src/cache/backup-list-cache.js';

// Starts the real app on a random port against this file's own Postgres
// database and Redis prefix, and offers small seeding helpers built on the
// admin functions the CLI uses.

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed with lossless-json (int64 ids arrive as bigint). */
  json: unknown;
}

export interface TestApi {
  readonly url: string;
  readonly db: TestDatabase;
  readonly redis: TestRedis;
  readonly queues: JobQueues;
  em(): EntityManager;
  request(
    method: string,
    path: string,
    opts?: { key?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> },
  ): Promise<ApiResponse>;
}

export interface ServedApp {
  url: string;
  queues: JobQueues;
  listCache: BackupListCache;
  close(): Promise<void>;
}

/**
 * The real app on a random port of 127.0.0.1 against `db` and Redis under
 * `redis.prefix`; a second call on the same pair is a second API process
 * sharing their state.
 */
export async function serveTestApp(
  db: TestDatabase,
  redis: TestRedis,
  settings: Partial<AppDeps['settings']> = {},
  opts: Pick<Partial<AppDeps>, 'logger' | 'bullBoard' | 'metrics'> & {
    /** '::' takes IPv6 and (as ::ffff:a.b.c.d) IPv4 callers; the URL is 127.0.0.1 either way. */
    hostname?: string;
    /** Where the list cache's Postgres change feed connects (a proxy, to stall it); the database by default. */
    listChangesUrl?: string;
    /** Where the list cache's Redis change feed connects (a proxy, to stall it); the test Redis by default. */
    listChangesRedisUrl?: string;
  } = {},
): Promise<ServedApp> {
  const producer = createRedis(redis.url, 'producer');
  // The producer connection fails fast instead of queueing; tests start once it is up.
  await once(producer, 'ready');
  const queues = new JobQueues(producer, redis.prefix);
  const logger =
    opts.logger ??
    createLogger({ service: 'api-test', level: process.env.LOG_LEVEL ?? 'silent', pretty: false });
  // On, as in production, so every test that lists also checks the cache is never stale.
  const listCache = new BackupListCache({
    databaseUrl: opts.listChangesUrl ?? db.url,
    // Only duplicated for the feed's own connection, so a template that never connects will do.
    redis: opts.listChangesRedisUrl ? new Redis(opts.listChangesRedisUrl, { lazyConnect: true }) : producer,
    redisPrefix: redis.prefix,
    logger,
    maxEntries: 1_000,
  });
  await listCache.start();
  const app = createApp({
    orm: db.orm,
    redis: producer,
    queues,
    listCache,
    bullBoard: opts.bullBoard,
    metrics: opts.metrics,
    logger,
    settings: {
      rateLimitRequests: 100_000,
      rateLimitWindowSeconds: 60,
      authCacheTtlMs: 0,
      bodyLimitBytes: 16_384,
      requestTimeoutMs: 5_000,
      redisPrefix: redis.prefix,
      // Far above what any test sends; auth-throttle.test.ts sets its own.
      authFailureLimit: 100_000,
      authFailureWindowSeconds: 60,
      trustProxyHops: 0,
      ...settings,
    },
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: opts.hostname ?? '127.0.0.1' }, () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    queues,
    listCache,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queues.close();
      await producer.quit();
      await listCache.close();
    },
  };
}

export function useApi(
  settings: Partial<AppDeps['settings']> = {},
  opts: Pick<Partial<AppDeps>, 'logger' | 'bullBoard' | 'metrics'> = {},
): TestApi {
  const db = useTestDatabase();
  const redis = useTestRedis();
  let served: ServedApp | undefined;

  beforeAll(async () => {
    served = await serveTestApp(db, redis, settings, opts);
  });
  afterAll(async () => {
    await served?.close();
  });

  return {
    get url() {
      return served?.url ?? '';
    },
    db,
    redis,
    get queues() {
      if (!served) throw new Error('queues exist only inside tests');
      return served.queues;
    },
    em: () => db.orm.em.fork() as EntityManager,
    async request(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.key !== undefined) headers['ld-api-key'] = opts.key;
      let body: string | undefined = opts.rawBody;
      if (opts.body !== undefined) {
        body = JSON.stringify(opts.body, (_k, v) => (typeof v === 'bigint' ? `__big__${v}` : v)).replace(
          /"__big__(\d+)"/g,
          '$1',
        );
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(`${served?.url}${path}`, { method, headers, body });
      const text = await res.text();
      let json: unknown;
      try {
        json = text ? parseJson(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: res.status, headers: res.headers, text, json };
    },
  };
}

/** Asserts the status, printing the body when it differs. */
export function expectStatus(res: ApiResponse, status: number): void {
  expect(res.status, `expected ${status}, got ${res.status}: ${res.text}`).toBe(status);
}

/** Asserts the error shape and code, and that the body's request id is the header's. */
export function expectError(res: ApiResponse, status: number, code: string): void {
  expectStatus(res, status);
  const body = res.json as { error?: { code?: string; message?: string; request_id?: string } };
  expect(body?.error?.code, res.text).toBe(code);
  expect(body.error?.message, res.text).toBeTruthy();
  expect(body.error?.request_id, res.text).toBe(res.headers.get('x-request-id'));
}

let instanceCounter = 0;
function fakeInstanceId(): string {
  instanceCounter += 1;
  return `i-${(Date.now().toString(16) + instanceCounter.toString(16).padStart(5, '0') + Math.random().toString(16).slice(2)).slice(0, 17)}`;
}

export interface Seeded {
  tenantId: bigint;
  deploymentId: bigint;
  nodeIds: bigint[];
  /** A key with both permissions. */
  key: string;
  readKey: string;
  manageKey: string;
}

interface DeploymentOptions {
  cloud?: 'aws' | 'gcp' | 'azure';
  storageType?: 'network' | 'nvme';
  deploymentId?: bigint;
}

/** A tenant with read, manage and read+manage keys, and one deployment with two nodes. */
export async function seedTenant(
  em: EntityManager,
  opts: DeploymentOptions & { plan?: Plan; backupLimitOverride?: number | null } = {},
): Promise<Seeded> {
  const tenantId = await createTenant(em, {
    name: 'acme',
    plan: opts.plan ?? 'pro',
    backupLimitOverride: opts.backupLimitOverride ?? null,
  });
  const key = async (permissions: Permission[]) =>
    (await createApiKey(em, { tenantId, name: 'test', permissions })).secret;
  const { deploymentId, nodeIds } = await seedDeployment(em, tenantId, opts);
  return {
    tenantId,
    deploymentId,
    nodeIds,
    key: await key(['deployment:read', 'deployment:manage']),
    readKey: await key(['deployment:read']),
    manageKey: await key(['deployment:manage']),
  };
}

/** One more deployment with two nodes, of an existing tenant. */
export async function seedDeployment(
  em: EntityManager,
  tenantId: bigint,
  opts: DeploymentOptions = {},
): Promise<{ deploymentId: bigint; nodeIds: bigint[] }> {
  const volume = (n: number) => ({
    volumeId: `vol-${fakeInstanceId().slice(2)}${n}`,
    deviceName: '/dev/sdf',
    sizeGiB: 50,
    volumeType: 'gp3',
    iops: 3000,
    throughput: 125,
    encrypted: false,
    kmsKeyId: null,
  });
  const { id: deploymentId, nodeIds } = await registerDeployment(em, {
    ...(opts.deploymentId ? { id: opts.deploymentId } : {}),
    tenantId,
    name: 'orders',
    cloud: opts.cloud ?? 'aws',
    region: 'us-west-1',
    storageType: opts.storageType ?? 'network',
    version: '0.4.0',
    nodes: [
      { instanceId: fakeInstanceId(), availabilityZone: 'us-west-1a', volumes: [volume(1)] },
      { instanceId: fakeInstanceId(), availabilityZone: 'us-west-1b', volumes: [volume(2)] },
    ],
  });
  return { deploymentId, nodeIds };
}

/** Inserts a backup directly in a given state, as the worker would have left it. */
export async function seedBackup(
  em: EntityManager,
  deploymentId: bigint,
  opts: {
    status?: BackupStatus;
    remarks?: string | null;
    failureReason?: string | null;
    nodeId?: bigint | null;
    snapshots?: Array<{ volumeId: string; snapshotId: string | null; nodeId: bigint }>;
  } = {},
): Promise<bigint> {
  const status = opts.status ?? 'completed';
  const done = status === 'completed' || status === 'deleting';
  const rows = await em.execute<{ id: string }[]>(
    `insert into backups (deployment_id, node_id, name, backup_type, status, region, remarks, failure_reason,
                          size_bytes, started_at, completed_at, deleted_at)
     values (?, ?, 'seeded', 'manual', ?, 'us-west-1', ?, ?, ?, ?, ?, ?) returning id`,
    [
      deploymentId,
      opts.nodeId ?? null,
      status,
      opts.remarks ?? null,
      opts.failureReason ?? null,
      done ? 53687091200n : null,
      status === 'pending' ? null : new Date(),
      done ? new Date() : null,
      status === 'deleted' ? new Date() : null,
    ],
  );
  const id = BigInt(rows[0]?.id ?? '0');
  for (const s of opts.snapshots ?? []) {
    await em.execute(
      `insert into backup_snapshots (backup_id, node_id, volume_id, device_name, volume_size_gib, volume_type, snapshot_id, state)
       values (?, ?, ?, '/dev/sdf', 50, 'gp3', ?, 'completed')`,
      [id, s.nodeId, s.volumeId, s.snapshotId],
    );
  }
  return id;
}

/**
 * Stores a backup's progress as the worker's snapshot poller does while its
 * snapshots run (the poller's own write is the backups owner's, not the API's).
 */
export async function seedRestore(
  em: EntityManager,
  deploymentId: bigint,
  backupId: bigint,
  status: RestoreStatus,
): Promise<bigint> {
  const rows = await em.execute<{ id: string }[]>(
    'insert into restores (deployment_id, backup_id, status) values (?, ?, ?) returning id',
    [deploymentId, backupId, status],
  );
  return BigInt(rows[0]?.id ?? '0');
}

/** The jobs waiting in a queue of this file's prefix, as name + data. */
export async function queuedJobs(
  api: TestApi,
  queue: 'operations' | 'deletes',
): Promise<Array<{ name: string; data: unknown }>> {
  const jobs = await api.queues.queue(queue).getJobs(['waiting', 'delayed', 'active', 'prioritized']);
  return jobs.map((j) => ({ name: j.name, data: j.data }));
}

/** A logger whose JSON lines are kept in `lines` (one entry per line), for tests that read the log. */
export function capturedLogger(level: string): { logger: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger({ service: 'api-test', level, pretty: false, destination: sink }), lines };
}
