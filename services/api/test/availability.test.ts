import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@backups/shared';
import { createOrm, type Orm } from '@backups/shared/db';
import { createRedis, JobQueues } from '@backups/shared/jobs';
import { startTcpProxy, type TcpProxy, useTestDatabase, useTestRedis } from '@backups/testing';
import { serve } from '@hono/node-server';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { type Seeded, seedTenant } from './harness.js';

// Postgres and Redis are reached through proxies this file can cut, so the
// shared servers other engineers use are never stopped.

const db = useTestDatabase();
const redis = useTestRedis();
let pgProxy: TcpProxy;
let redisProxy: TcpProxy;
let orm: Orm;
let producer: Redis;
let queues: JobQueues;
let url: string;
let closeServer: () => Promise<void>;
let seeded: Seeded;
const silent = createLogger({ service: 'api-test', level: 'silent', pretty: false });

beforeAll(async () => {
  const pgUrl = new URL(db.url);
  const redisUrl = new URL(redis.url);
  pgProxy = await startTcpProxy({ host: pgUrl.hostname, port: Number(pgUrl.port || 5432) });
  redisProxy = await startTcpProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
  pgUrl.port = String(pgProxy.port);
  redisUrl.port = String(redisProxy.port);
  orm = await createOrm({ databaseUrl: pgUrl.toString(), poolMax: 4, logger: silent });
  producer = createRedis(redisUrl.toString(), 'producer');
  producer.on('error', () => undefined);
  await once(producer, 'ready');
  queues = new JobQueues(producer, redis.prefix);
  const app = createApp({
    orm,
    redis: producer,
    queues,
    logger: silent,
    settings: {
      rateLimitRequests: 100_000,
      rateLimitWindowSeconds: 60,
      authCacheTtlMs: 0,
      bodyLimitBytes: 16_384,
      requestTimeoutMs: 1_000,
      redisPrefix: redis.prefix,
    },
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closeServer = () => new Promise((resolve) => server.close(() => resolve()));
  seeded = await seedTenant(db.orm.em.fork() as EntityManager);
});

afterAll(async () => {
  // Proxies first: a query or command still parked behind a stall then fails at
  // once, instead of holding a request or a pooled connection that closing the
  // server or the pool would wait for.
  await pgProxy?.close();
  await redisProxy?.close();
  await closeServer?.();
  await queues?.close().catch(() => undefined);
  producer?.disconnect();
  await orm?.close(true);
});

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

async function eventually(fn: () => Promise<number>, want: number, timeoutMs = 8_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let got = await fn();
  while (got !== want && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    got = await fn();
  }
  return got;
}

async function backupCount(): Promise<number> {
  const [row] = await (db.orm.em.fork() as EntityManager).execute<Array<{ n: string }>>(
    'select count(*) as n from backups',
  );
  return Number(row?.n);
}

describe('503 unavailable while a dependency is away, and recovery without a restart', () => {
  it('answers 503 with Retry-After when Redis is unreachable, accepts no work, then recovers', async () => {
    const list = `/deployments/${seeded.deploymentId}/backups`;
    expect((await call('GET', list)).status).toBe(200);
    await redisProxy.cut();
    for (const [method, body] of [
      ['GET', undefined],
      ['POST', { name: 'during-outage' }],
    ] as const) {
      const res = await call(method, list, body);
      expect(res.status, res.text).toBe(503);
      expect(JSON.parse(res.text).error).toMatchObject({ code: 'unavailable', request_id: res.requestId });
      expect(Number(res.retryAfter)).toBeGreaterThan(0);
    }
    expect(await backupCount()).toBe(0);
    await redisProxy.restore();
    expect(
      await eventually(async () => (await call('POST', list, { name: 'after-outage' })).status, 204),
    ).toBe(204);
  });

  it('/readyz reports Redis away (503) and back (200), naming each dependency; /healthz stays 200', async () => {
    const ready = async () => {
      const res = await fetch(`${url}/readyz`);
      return { status: res.status, body: JSON.parse(await res.text()) };
    };
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
    await redisProxy.restore();
    expect(await eventually(async () => (await ready()).status, 200)).toBe(200);
  });

  it('answers 503 with Retry-After when Postgres is unreachable, then recovers', async () => {
    const list = `/deployments/${seeded.deploymentId}/backups`;
    await pgProxy.cut();
    const res = await call('GET', list);
    expect(res.status, res.text).toBe(503);
    expect(JSON.parse(res.text).error.code).toBe('unavailable');
    expect(Number(res.retryAfter)).toBeGreaterThan(0);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(JSON.parse(await ready.text()).checks).toEqual({ postgres: { ok: false }, redis: { ok: true } });
    await pgProxy.restore();
    expect(await eventually(async () => (await call('GET', list)).status, 200)).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });

  it('answers 503 within the request deadline when Postgres hangs instead of refusing, then recovers', async () => {
    const list = `/deployments/${seeded.deploymentId}/backups`;
    expect((await call('GET', list)).status).toBe(200);
    pgProxy.stall();
    const started = Date.now();
    const res = await call('GET', list);
    expect(res.status, res.text).toBe(503);
    expect(JSON.parse(res.text).error.code).toBe('unavailable');
    expect(Date.now() - started).toBeLessThan(3_000);
    pgProxy.unstall();
    expect(await eventually(async () => (await call('GET', list)).status, 200)).toBe(200);
  });
});
