import { parseJson } from '@backups/shared';
import { useTestDatabase, useTestRedis } from '@backups/testing';
import type { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiProcess, startApiProcess, waitReady } from './api-process.js';
import { type ApiResponse, expectError, seedTenant } from './harness.js';

// Two API processes (src/main.ts, each its own OS process) on one database and
// Redis prefix: the per-key limit is counted in Redis, so it holds across them.

const db = useTestDatabase();
const redis = useTestRedis();
const processes: ApiProcess[] = [];
afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
});

/** Starting two processes through tsx on busy cores takes seconds; only a hang comes near this. */
const HANG_MS = 120_000;

beforeAll(async () => {
  const env = { RATE_LIMIT_REQUESTS: '3', RATE_LIMIT_WINDOW_SECONDS: '60' };
  processes.push(...(await Promise.all([startApiProcess(db, redis, env), startApiProcess(db, redis, env)])));
  await Promise.all(processes.map(waitReady));
}, HANG_MS);

async function get(api: ApiProcess | undefined, path: string, key: string): Promise<ApiResponse> {
  const res = await fetch(`${api?.url}${path}`, { headers: { 'ld-api-key': key } });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: parseJson(text) };
}

describe('per-key rate limiting', () => {
  it('answers 429 rate_limited with Retry-After past the limit, per key, counted across two API processes', async () => {
    const [first, second] = processes;
    const t = await seedTenant(db.orm.em.fork() as EntityManager);
    const path = `/deployments/${t.deploymentId}/backups`;
    // 3 requests allowed per key: two through one process, the third through the other.
    expect((await get(first, path, t.readKey)).status).toBe(200);
    expect((await get(first, path, t.readKey)).status).toBe(200);
    expect((await get(second, path, t.readKey)).status).toBe(200);
    // The fourth is refused by either process.
    for (const api of [first, second]) {
      const limited = await get(api, path, t.readKey);
      expectError(limited, 429, 'rate_limited');
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
    }
    // Another key of the same tenant has its own budget.
    expect((await get(second, path, t.key)).status).toBe(200);
  });
});
