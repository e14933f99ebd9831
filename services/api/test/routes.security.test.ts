import type { Permission } from '@backups/shared';
import { createApiKey, revokeApiKey } from '@backups/shared/tenants';
import { beforeAll, describe, expect, it } from 'vitest';
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

describe('key use', () => {
  it('records last_used_at for operators', async () => {
    const t = await seedTenant(api.em());
    const res = await api.request('GET', `/deployments/${t.deploymentId}/backups`, { key: t.readKey });
    expect(res.status, res.text).toBe(200);
    const deadline = Date.now() + 2_000;
    let used: unknown = null;
    while (used === null && Date.now() < deadline) {
      const rows = await api
        .em()
        .execute<Array<{ last_used_at: string | null }>>(
          "select last_used_at from api_keys where tenant_id = ? and permissions = '{deployment:read}'",
          [t.tenantId],
        );
      used = rows[0]?.last_used_at ?? null;
      if (used === null) await new Promise((r) => setTimeout(r, 50));
    }
    expect(used).not.toBeNull();
  });
});

describe('revocation and expiry take effect within seconds despite the key cache', () => {
  const cached = useApi({ authCacheTtlMs: 500 });

  it('refuses a revoked key within the cache TTL', async () => {
    const t = await seedTenant(cached.em());
    const key = await createApiKey(cached.em(), {
      tenantId: t.tenantId,
      name: 'soon-gone',
      permissions: ['deployment:read'],
    });
    const path = `/deployments/${t.deploymentId}/backups`;
    expect((await cached.request('GET', path, { key: key.secret })).status).toBe(200);
    await revokeApiKey(cached.em(), key.id);
    const deadline = Date.now() + 2_000;
    let status = 200;
    while (Date.now() < deadline && status === 200) {
      status = (await cached.request('GET', path, { key: key.secret })).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(401);
  });
});
