import { once } from 'node:events';
import { createLogger } from '@backups/shared';
import { createRedis, JobQueues } from '@backups/shared/jobs';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { expectError, expectStatus, seedTenant, useApi } from './harness.js';

const settings = { rateLimitRequests: 3, rateLimitWindowSeconds: 60 };
const api = useApi(settings);
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

describe('per-key rate limiting', () => {
  it('answers 429 rate_limited with Retry-After past the limit, per key, counted across API processes', async () => {
    const t = await seedTenant(api.em());
    const path = `/deployments/${t.deploymentId}/backups`;
    // A second API process on the same Redis and database shares the count.
    const producer = createRedis(api.redis.url, 'producer');
    await once(producer, 'ready');
    const queues = new JobQueues(producer, api.redis.prefix);
    cleanups.push(
      () => queues.close(),
      () => producer.quit(),
    );
    const other = createApp({
      orm: api.db.orm,
      redis: producer,
      queues,
      logger: createLogger({ service: 'api-test', level: 'silent', pretty: false }),
      settings: {
        ...settings,
        authCacheTtlMs: 0,
        bodyLimitBytes: 16_384,
        requestTimeoutMs: 5_000,
        redisPrefix: api.redis.prefix,
      },
    });

    expectStatus(await api.request('GET', path, { key: t.readKey }), 200);
    expectStatus(await api.request('GET', path, { key: t.readKey }), 200);
    const viaOther = await other.request(path, { headers: { 'ld-api-key': t.readKey } });
    expect(viaOther.status).toBe(200);
    const limited = await api.request('GET', path, { key: t.readKey });
    expectError(limited, 429, 'rate_limited');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another key of the same tenant has its own budget.
    expectStatus(await api.request('GET', path, { key: t.key }), 200);
  });
});
