import type { EntityManager } from '@mikro-orm/postgresql';
import { describe, expect, it } from 'vitest';
import { type ApiResponse, expectError, seedTenant, useApi } from './harness.js';

// A read's query runs while Redis counts it, and one key's counts of one
// event-loop turn go to Redis as one increment: neither may change what a
// request is answered.

const LIMIT = 3;
const api = useApi({ rateLimitRequests: LIMIT, rateLimitWindowSeconds: 60 });

function expectLimited(res: ApiResponse): void {
  expectError(res, 429, 'rate_limited');
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

async function backupsOf(em: EntityManager, deploymentId: bigint): Promise<string> {
  const [row] = await em.execute<Array<{ n: string }>>(
    'select count(*) as n from backups where deployment_id = ?',
    [deploymentId],
  );
  return row?.n ?? '?';
}

describe('rate limiting of reads and writes', () => {
  it('answers a limited read 429 whatever its route would have answered', async () => {
    const t = await seedTenant(api.em());
    const other = await seedTenant(api.em());
    for (let i = 0; i < LIMIT; i++) {
      expect(
        (await api.request('GET', `/deployments/${t.deploymentId}/backups`, { key: t.key })).status,
      ).toBe(200);
    }
    // Its own list (200), another tenant's deployment (404), a backup that does not exist (404): all 429 now.
    for (const path of [
      `/deployments/${t.deploymentId}/backups`,
      `/deployments/${other.deploymentId}/backups`,
      `/deployments/${t.deploymentId}/backups/9223372036854775807`,
    ]) {
      const res = await api.request('GET', path, { key: t.key });
      expectLimited(res);
      expect(res.text).not.toContain('"id"');
    }
  });

  it('lets a limited write do nothing', async () => {
    const t = await seedTenant(api.em(), { plan: 'pro' });
    for (let i = 0; i < LIMIT; i++)
      await api.request('GET', `/deployments/${t.deploymentId}/backups`, { key: t.key });
    expectLimited(
      await api.request('POST', `/deployments/${t.deploymentId}/backups`, {
        key: t.key,
        body: { name: 'x' },
      }),
    );
    expect(await backupsOf(api.em(), t.deploymentId)).toBe('0');
  });

  it('counts requests that arrive together one by one: exactly the limit get through', async () => {
    const t = await seedTenant(api.em());
    const answers = await Promise.all(
      Array.from({ length: 12 }, () =>
        api.request('GET', `/deployments/${t.deploymentId}/backups`, { key: t.key }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([...Array(LIMIT).fill(200), ...Array(12 - LIMIT).fill(429)]);
    for (const limited of answers.filter((a) => a.status === 429)) expectLimited(limited);
  });
});
