import { startTcpProxy, type TcpProxy, useTestDatabase, useTestRedis } from '@backups/testing';
import type { EntityManager } from '@mikro-orm/postgresql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiProcess, startApiProcess, waitReady } from './api-process.js';
import { type Seeded, seedTenant } from './harness.js';

// The API as a real process (src/main.ts), reaching Postgres and Redis through
// proxies this file can cut, stall or whose backends it can terminate, so the
// shared servers other engineers use are never stopped. A dependency away must
// give every caller an answer in the error shape, never a hang or a crash, and
// the process must recover on its own.

const db = useTestDatabase();
const redis = useTestRedis();
// Bounds on waits only a hang would reach (two shared, busy cores).
const HANG_MS = 60_000;
let pgProxy: TcpProxy;
let redisProxy: TcpProxy;
let api: ApiProcess;
let url: string;
let seeded: Seeded;

beforeAll(async () => {
  const pgUrl = new URL(db.url);
  const redisUrl = new URL(redis.url);
  pgProxy = await startTcpProxy({ host: pgUrl.hostname, port: Number(pgUrl.port || 5432) });
  redisProxy = await startTcpProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
  pgUrl.port = String(pgProxy.port);
  redisUrl.port = String(redisProxy.port);
  api = await startApiProcess(db, redis, {
    DATABASE_URL: pgUrl.toString(),
    // A small pool: a connection leaked by a fault would soon leave none for the requests after it.
    DATABASE_POOL_MAX: '4',
    REDIS_URL: redisUrl.toString(),
    RATE_LIMIT_REQUESTS: '100000',
    AUTH_CACHE_TTL_MS: '0',
    REQUEST_TIMEOUT_MS: '1000',
  });
  url = api.url;
  seeded = await seedTenant(db.orm.em.fork() as EntityManager, { backupLimitOverride: 100_000 });
  await waitReady(api);
}, 3 * HANG_MS);

afterAll(async () => {
  await pgProxy?.close();
  await redisProxy?.close();
  if (api && alive()) api.child.kill('SIGKILL');
});

const alive = () => api.child.exitCode === null && api.child.signalCode === null;

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'ld-api-key': seeded.key, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    requestId: res.headers.get('x-request-id'),
    text: await res.text(),
  };
}

/** The spec's answer while a dependency is away: 503, `unavailable` with the request's id, and Retry-After. */
function expectUnavailable(res: Awaited<ReturnType<typeof call>>): void {
  expect(res.status, res.text).toBe(503);
  expect(JSON.parse(res.text).error).toMatchObject({ code: 'unavailable', request_id: res.requestId });
  expect(Number(res.retryAfter)).toBeGreaterThan(0);
}

/** Polls `check` until it returns a value other than undefined/false (or HANG_MS passes). */
async function eventually<T>(check: () => Promise<T | undefined | false>): Promise<T | undefined> {
  const deadline = Date.now() + HANG_MS;
  for (;;) {
    const value = await check();
    if ((value !== undefined && value !== false) || Date.now() > deadline) return value || undefined;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const statusBecomes = async (fn: () => Promise<{ status: number }>, want: number) =>
  (await eventually(async () => (await fn()).status === want)) ? want : (await fn()).status;

async function ready() {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: JSON.parse(await res.text()) };
}

/** The ops port (METRICS_PORT) while a dependency is away: /readyz 503, /healthz 200, /metrics still 200. */
async function expectOpsPortDegraded(absentSeries: string): Promise<void> {
  expect((await fetch(`${api.opsUrl}/readyz`)).status).toBe(503);
  expect((await fetch(`${api.opsUrl}/healthz`)).status).toBe(200);
  const metrics = await fetch(`${api.opsUrl}/metrics`);
  const text = await metrics.text();
  expect(metrics.status, text).toBe(200);
  // The HTTP series stay; the series read from the missing dependency are left out.
  expect(text).toContain('backups_http_requests_total{');
  expect(text).not.toContain(`${absentSeries}{`);
}

async function backupCount(): Promise<number> {
  const [row] = await (db.orm.em.fork() as EntityManager).execute<Array<{ n: string }>>(
    'select count(*) as n from backups',
  );
  return Number(row?.n);
}

const list = () => `/deployments/${seeded.deploymentId}/backups`;

describe('503 unavailable while a dependency is away, and recovery without a restart', () => {
  it(
    'answers 503 with Retry-After when Redis is unreachable, accepts no work, then recovers',
    async () => {
      expect((await call('GET', list())).status).toBe(200);
      const before = await backupCount();
      await redisProxy.cut();
      for (const [method, body] of [
        ['GET', undefined],
        ['POST', { name: 'during-outage' }],
      ] as const)
        expectUnavailable(await call(method, list(), body));
      expect(await backupCount()).toBe(before);
      await redisProxy.restore();
      expect(await statusBecomes(() => call('POST', list(), { name: 'after-outage' }), 204)).toBe(204);
      expect(alive(), api.output()).toBe(true);
    },
    3 * HANG_MS,
  );

  it(
    '/readyz reports Redis away (503) and back (200), naming each dependency; /healthz stays 200',
    async () => {
      expect(await ready()).toEqual({
        status: 200,
        body: { status: 'ready', checks: { postgres: { ok: true }, redis: { ok: true } } },
      });
      await redisProxy.cut();
      expect(await ready()).toEqual({
        status: 503,
        body: { status: 'not_ready', checks: { postgres: { ok: true }, redis: { ok: false } } },
      });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      await expectOpsPortDegraded('backups_queue_jobs');
      await redisProxy.restore();
      expect(await statusBecomes(ready, 200)).toBe(200);
    },
    3 * HANG_MS,
  );

  it(
    'Postgres unreachable (connections dropped, new ones refused): requests in flight get 2xx or 503, requests during it 503 with Retry-After, /readyz says so, then both recover',
    async () => {
      expect((await call('GET', list())).status).toBe(200);
      // Requests already on their way when the link goes: each gets an answer, none a 500.
      const inFlight = Array.from({ length: 6 }, (_, i) =>
        i % 2 ? call('GET', list()) : call('POST', list(), { name: `in-flight-${i}` }),
      );
      await pgProxy.cut();
      for (const res of await Promise.all(inFlight)) if (res.status >= 300) expectUnavailable(res);
      for (const [method, body] of [
        ['GET', undefined],
        ['POST', { name: 'during-outage' }],
      ] as const)
        expectUnavailable(await call(method, list(), body));
      const away = await ready();
      expect(away).toEqual({
        status: 503,
        body: { status: 'not_ready', checks: { postgres: { ok: false }, redis: { ok: true } } },
      });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      await expectOpsPortDegraded('backups_backups');
      expect(alive(), api.output()).toBe(true);
      await pgProxy.restore();
      expect(await statusBecomes(() => call('GET', list()), 200)).toBe(200);
      expect(await statusBecomes(() => call('POST', list(), { name: 'after-outage' }), 204)).toBe(204);
      expect((await ready()).status).toBe(200);
    },
    3 * HANG_MS,
  );

  it(
    'Postgres hung (no bytes move): a request is answered 503 while it is still hung, /readyz says so, then both recover',
    async () => {
      expect((await call('GET', list())).status).toBe(200);
      pgProxy.stall();
      // The stall lasts until the answer arrives (or a hang guard passes): an
      // answer that comes first was bounded by the request deadline, not by the
      // end of the outage.
      const answered = await Promise.race([
        call('GET', list()),
        new Promise<'still hung'>((r) => setTimeout(() => r('still hung'), HANG_MS)),
      ]);
      const readiness = await ready();
      pgProxy.unstall();
      expect(answered).not.toBe('still hung');
      if (answered !== 'still hung') expectUnavailable(answered);
      expect(readiness.status).toBe(503);
      expect(readiness.body.checks).toEqual({ postgres: { ok: false }, redis: { ok: true } });
      expect(alive(), api.output()).toBe(true);
      expect(await statusBecomes(() => call('GET', list()), 200)).toBe(200);
      expect(await statusBecomes(ready, 200)).toBe(200);
    },
    3 * HANG_MS,
  );

  it(
    'Postgres backends terminated mid-transaction under load: each request answers 2xx or 503 (never another error), and the pool gets every connection back',
    async () => {
      const killer = new pg.Client({ connectionString: db.url });
      await killer.connect();
      const answers: (Awaited<ReturnType<typeof call>> & { method: string })[] = [];
      let loading = true;
      // Four callers back to back, half of them creating backups (a transaction each).
      const load = Array.from({ length: 4 }, async (_, i) => {
        const method = i % 2 ? 'GET' : 'POST';
        while (loading)
          answers.push({
            method,
            ...(await call(method, list(), i % 2 ? undefined : { name: `load-${i}` })),
          });
      });
      try {
        // Terminate the API's connections that are inside a transaction (between
        // its statements) until kills have landed on a few creates.
        const landed = await eventually(async () => {
          await killer.query(
            `select pg_terminate_backend(pid) from pg_stat_activity
            where datname = $1 and pid <> pg_backend_pid() and state = 'idle in transaction'`,
            [db.name],
          );
          return answers.filter((a) => a.status === 503 && a.method === 'POST').length >= 3;
        });
        expect(landed, `answers: ${answers.map((a) => `${a.method} ${a.status}`).join(',')}`).toBe(true);
      } finally {
        loading = false;
        await Promise.all(load);
        await killer.end();
      }
      for (const res of answers) if (res.status >= 300) expectUnavailable(res);
      expect(alive(), api.output()).toBe(true);
      // The pool (4 connections) has them all back: a burst of requests all succeed.
      expect(await statusBecomes(() => call('GET', list()), 200)).toBe(200);
      const burst = await Promise.all(Array.from({ length: 8 }, () => call('GET', list())));
      expect(burst.map((r) => r.status)).toEqual(Array(8).fill(200));
    },
    3 * HANG_MS,
  );

  it(
    'after every outage, SIGTERM stops the process with exit code 0 (no connection left checked out)',
    async () => {
      expect(alive(), api.output()).toBe(true);
      expect(await api.stop(), api.output().slice(-3000)).toBe(0);
    },
    3 * HANG_MS,
  );
});
