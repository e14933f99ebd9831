import type { Permission } from '@backups/shared';
import { createApiKey, revokeApiKey } from '@backups/shared/tenants';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectError, type Seeded, seedBackup, seedRestore, seedTenant, useApi } from './harness.js';

const api = useApi();

interface RouteCase {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: (s: Seeded & { backupId: bigint; restoreId: bigint }) => string;
  body?: unknown;
  permission: Permission;
}

const ROUTES: RouteCase[] = [
  {
    name: 'list backups',
    method: 'GET',
    path: (s) => `/deployments/${s.deploymentId}/backups`,
    permission: 'deployment:read',
  },
  {
    name: 'create backup',
    method: 'POST',
    path: (s) => `/deployments/${s.deploymentId}/backups`,
    body: { name: 'x' },
    permission: 'deployment:manage',
  },
  {
    name: 'get backup',
    method: 'GET',
    path: (s) => `/deployments/${s.deploymentId}/backups/${s.backupId}`,
    permission: 'deployment:read',
  },
  {
    name: 'restore backup',
    method: 'POST',
    path: (s) => `/deployments/${s.deploymentId}/backups/${s.backupId}/restore`,
    permission: 'deployment:manage',
  },
  {
    name: 'delete backup',
    method: 'DELETE',
    path: (s) => `/deployments/${s.deploymentId}/backups/${s.backupId}`,
    permission: 'deployment:manage',
  },
  {
    name: 'list restores',
    method: 'GET',
    path: (s) => `/deployments/${s.deploymentId}/restores`,
    permission: 'deployment:read',
  },
  {
    name: 'get restore',
    method: 'GET',
    path: (s) => `/deployments/${s.deploymentId}/restores/${s.restoreId}`,
    permission: 'deployment:read',
  },
  {
    name: 'get backup schedule',
    method: 'GET',
    path: (s) => `/deployments/${s.deploymentId}/backup-schedule`,
    permission: 'deployment:read',
  },
  {
    name: 'put backup schedule',
    method: 'PUT',
    path: (s) => `/deployments/${s.deploymentId}/backup-schedule`,
    body: { cron: '0 3 * * *', timezone: 'UTC' },
    permission: 'deployment:manage',
  },
  {
    name: 'delete backup schedule',
    method: 'DELETE',
    path: (s) => `/deployments/${s.deploymentId}/backup-schedule`,
    permission: 'deployment:manage',
  },
  {
    name: 'list nodes',
    method: 'GET',
    path: (s) => `/deployments/${s.deploymentId}/nodes`,
    permission: 'deployment:read',
  },
  {
    name: 'upgrade deployment',
    method: 'POST',
    path: (s) => `/deployments/${s.deploymentId}/upgrade`,
    body: { target_version: '9.9.9' },
    permission: 'deployment:manage',
  },
  {
    name: 'get upgrade',
    method: 'GET',
    path: (s) => `/deployments/${s.deploymentId}/upgrades/1`,
    permission: 'deployment:read',
  },
];

describe.each(ROUTES)('security of $method $name', (route) => {
  let owner: Seeded & { backupId: bigint; restoreId: bigint };
  let intruder: Seeded;
  let expiredKey: string;
  let revokedKey: string;

  beforeAll(async () => {
    const em = api.em();
    const seeded = await seedTenant(em);
    const backupId = await seedBackup(em, seeded.deploymentId, { status: 'completed' });
    const restoreId = await seedRestore(em, seeded.deploymentId, backupId, 'completed');
    owner = { ...seeded, backupId, restoreId };
    intruder = await seedTenant(em);
    const both: Permission[] = ['deployment:read', 'deployment:manage'];
    expiredKey = (
      await createApiKey(em, {
        tenantId: owner.tenantId,
        name: 'old',
        permissions: both,
        expiresAt: new Date(Date.now() - 1000),
      })
    ).secret;
    const revoked = await createApiKey(em, { tenantId: owner.tenantId, name: 'gone', permissions: both });
    await revokeApiKey(em, revoked.id);
    revokedKey = revoked.secret;
  });

  const call = (key: string | undefined, headers: Record<string, string> = {}) =>
    api.request(route.method, route.path(owner), {
      ...(key === undefined ? {} : { key }),
      body: route.body,
      headers,
    });

  it('answers 401 for a missing, malformed, unknown, expired or revoked key', async () => {
    const unknown = `ld_${'A'.repeat(40)}`;
    for (const key of [undefined, '', 'Bearer abc', 'ld_short', unknown, expiredKey, revokedKey]) {
      const res = await call(key);
      expectError(res, 401, 'unauthenticated');
    }
  });

  it('answers 403 forbidden for a key without the permission', async () => {
    const key = route.permission === 'deployment:read' ? owner.manageKey : owner.readKey;
    expectError(await call(key), 403, 'forbidden');
  });

  it("answers 404, never 403, for another tenant's deployment", async () => {
    // Indistinguishable from a deployment that does not exist.
    const missingId = 9223372036854775000n;
    const missing = await api.request(route.method, route.path({ ...owner, deploymentId: missingId }), {
      key: intruder.key,
      body: route.body,
    });
    expectError(missing, 404, 'not_found');
    const missingMessage = (missing.json as { error: { message: string } }).error.message;
    // (A key lacking the permission gets 403 whatever the id, which reveals nothing about the target.)
    const permitted = route.permission === 'deployment:read' ? intruder.readKey : intruder.manageKey;
    for (const key of [intruder.key, permitted]) {
      const res = await call(key);
      expectError(res, 404, 'not_found');
      const message = (res.json as { error: { message: string } }).error.message;
      expect(message.replace(owner.deploymentId.toString(), 'ID')).toBe(
        missingMessage.replace(missingId.toString(), 'ID'),
      );
    }
    // The owner's data is untouched.
    const [row] = await api
      .em()
      .execute<Array<{ status: string }>>('select status from backups where id = ?', [owner.backupId]);
    expect(row?.status).toBe('completed');
  });
});

/** Polls until `check` returns a value; only a hang reaches the guard. */
async function eventually<T>(what: string, check: () => Promise<T | null>): Promise<T> {
  for (const deadline = Date.now() + 20_000; ; ) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('key use', () => {
  it('records last_used_at for operators', async () => {
    const t = await seedTenant(api.em());
    const res = await api.request('GET', `/deployments/${t.deploymentId}/backups`, { key: t.readKey });
    expect(res.status, res.text).toBe(200);
    // Written off the request path, so it lands shortly after the answer.
    const used = await eventually('last_used_at', async () => {
      const rows = await api
        .em()
        .execute<Array<{ last_used_at: string | null }>>(
          "select last_used_at from api_keys where tenant_id = ? and permissions = '{deployment:read}'",
          [t.tenantId],
        );
      return rows[0]?.last_used_at ?? null;
    });
    expect(new Date(used).getTime()).not.toBeNaN();
  });
});

describe('the key cache', () => {
  const TTL_MS = 500;
  const cached = useApi({ authCacheTtlMs: TTL_MS });
  const longCached = useApi({ authCacheTtlMs: 600_000 });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('refuses a revoked key once the cache TTL has passed since the key was last looked up', async () => {
    const t = await seedTenant(cached.em());
    const key = await createApiKey(cached.em(), {
      tenantId: t.tenantId,
      name: 'soon-gone',
      permissions: ['deployment:read'],
    });
    const path = `/deployments/${t.deploymentId}/backups`;
    expect((await cached.request('GET', path, { key: key.secret })).status).toBe(200);
    await revokeApiKey(cached.em(), key.id);
    // Waiting at least the TTL (longer on a busy machine only makes the entry staler).
    await new Promise((r) => setTimeout(r, TTL_MS + 50));
    expectError(await cached.request('GET', path, { key: key.secret }), 401, 'unauthenticated');
  });

  it('refuses an expired key even while its row is cached', async () => {
    const t = await seedTenant(longCached.em());
    const expiresAt = new Date(Date.now() + 60_000);
    const key = await createApiKey(longCached.em(), {
      tenantId: t.tenantId,
      name: 'expiring',
      permissions: ['deployment:read'],
      expiresAt,
    });
    const path = `/deployments/${t.deploymentId}/backups`;
    expect((await longCached.request('GET', path, { key: key.secret })).status).toBe(200);
    // The database now says the key never expires: only the cached row still carries the
    // expiry, so the refusal below can only come from checking the cached row.
    await longCached.em().execute('update api_keys set expires_at = null where id = ?', [key.id]);
    // Only Date is faked (timers and I/O stay real): the process's clock moves past the expiry,
    // still well inside the 10-minute cache TTL.
    vi.useFakeTimers({ toFake: ['Date'], now: expiresAt.getTime() + 1_000 });
    expectError(await longCached.request('GET', path, { key: key.secret }), 401, 'unauthenticated');
  });
});
