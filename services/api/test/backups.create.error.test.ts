import { describe, expect, it } from 'vitest';
import { expectError, expectStatus, seedBackup, seedTenant, useApi } from './harness.js';

const api = useApi();

describe('POST /deployments/{id}/backups — errors', () => {
  it('answers 400 invalid_request, naming the fields, for every kind of bad body', async () => {
    const t = await seedTenant(api.em());
    const path = `/deployments/${t.deploymentId}/backups`;
    const cases: Array<
      [string, { rawBody?: string; body?: unknown; headers?: Record<string, string> }, string]
    > = [
      ['malformed JSON', { rawBody: '{"name": ', headers: { 'content-type': 'application/json' } }, 'body'],
      ['no content type', { rawBody: '{"name":"x"}' }, 'content-type'],
      ['text/plain', { rawBody: '{"name":"x"}', headers: { 'content-type': 'text/plain' } }, 'content-type'],
      ['empty body', { rawBody: '', headers: { 'content-type': 'application/json' } }, 'body'],
      ['array body', { body: [] }, 'body'],
      ['missing name', { body: {} }, 'name'],
      ['blank name', { body: { name: '   ' } }, 'name'],
      ['name too long', { body: { name: 'n'.repeat(129) } }, 'name'],
      ['name not a string', { body: { name: 7 } }, 'name'],
      ['NUL in name', { body: { name: 'a\u0000b' } }, 'name'],
      ['unknown field', { body: { name: 'x', colour: 'red' } }, 'colour'],
      ['bad backup_type', { body: { name: 'x', backup_type: 'hourly' } }, 'backup_type'],
      ['remarks too long', { body: { name: 'x', remarks: 'r'.repeat(1025) } }, 'remarks'],
      ['expires_in_days 0', { body: { name: 'x', expires_in_days: 0 } }, 'expires_in_days'],
      ['expires_in_days 3651', { body: { name: 'x', expires_in_days: 3651 } }, 'expires_in_days'],
      ['expires_in_days fraction', { body: { name: 'x', expires_in_days: 1.5 } }, 'expires_in_days'],
      ['expires_in_days string', { body: { name: 'x', expires_in_days: '30' } }, 'expires_in_days'],
      ['node_id negative', { body: { name: 'x', node_id: -1 } }, 'node_id'],
      [
        'node_id beyond int64',
        {
          rawBody: '{"name":"x","node_id":9223372036854775808}',
          headers: { 'content-type': 'application/json' },
        },
        'node_id',
      ],
      ['node_id string', { body: { name: 'x', node_id: '1' } }, 'node_id'],
    ];
    for (const [label, opts, field] of cases) {
      const res = await api.request('POST', path, { key: t.key, ...opts });
      expectError(res, 400, 'invalid_request');
      const details = (res.json as { error: { details?: Array<{ field: string }> } }).error.details ?? [];
      expect(
        details.map((d) => d.field),
        `${label}: ${res.text}`,
      ).toContain(field);
    }
    const [{ n } = { n: '' }] = await api
      .em()
      .execute<Array<{ n: string }>>('select count(*) as n from backups');
    expect(n).toBe('0');
  });

  it('accepts the limits themselves: 128-char name, 1024-char remarks, 1 and 3650 days', async () => {
    const t = await seedTenant(api.em(), { plan: 'enterprise' });
    for (const body of [
      { name: 'n'.repeat(128), remarks: 'r'.repeat(1024), expires_in_days: 1 },
      { name: 'x', expires_in_days: 3650 },
    ]) {
      expectStatus(
        await api.request('POST', `/deployments/${t.deploymentId}/backups`, { key: t.key, body }),
        204,
      );
    }
  });

  it('answers 400 for path ids that are not positive int64', async () => {
    const t = await seedTenant(api.em());
    for (const id of ['0', '-1', 'abc', '9223372036854775808', '1.5', '01', '%20']) {
      const res = await api.request('POST', `/deployments/${id}/backups`, {
        key: t.key,
        body: { name: 'x' },
      });
      expectError(res, 400, 'invalid_request');
      expect(res.text).toContain('deployment_id');
    }
  });

  it('answers 404 for a deployment that does not exist', async () => {
    const t = await seedTenant(api.em());
    const res = await api.request('POST', '/deployments/9223372036854775807/backups', {
      key: t.key,
      body: { name: 'x' },
    });
    expectError(res, 404, 'not_found');
  });

  it('answers 403 plan_upgrade_required on Basic, 422 backups_not_supported off AWS or on NVMe', async () => {
    const basic = await seedTenant(api.em(), { plan: 'basic' });
    expectError(
      await api.request('POST', `/deployments/${basic.deploymentId}/backups`, {
        key: basic.key,
        body: { name: 'x' },
      }),
      403,
      'plan_upgrade_required',
    );
    const gcp = await seedTenant(api.em(), { cloud: 'gcp' });
    expectError(
      await api.request('POST', `/deployments/${gcp.deploymentId}/backups`, {
        key: gcp.key,
        body: { name: 'x' },
      }),
      422,
      'backups_not_supported',
    );
    const nvme = await seedTenant(api.em(), { storageType: 'nvme' });
    expectError(
      await api.request('POST', `/deployments/${nvme.deploymentId}/backups`, {
        key: nvme.key,
        body: { name: 'x' },
      }),
      422,
      'backups_not_supported',
    );
  });

  it('answers 422 invalid_node for a node of another deployment or none at all', async () => {
    const t = await seedTenant(api.em());
    const other = await seedTenant(api.em());
    for (const nodeId of [other.nodeIds[0], 9223372036854775807n]) {
      const res = await api.request('POST', `/deployments/${t.deploymentId}/backups`, {
        key: t.key,
        body: { name: 'x', node_id: nodeId },
      });
      expectError(res, 422, 'invalid_node');
    }
  });

  it('answers 409 backup_limit_reached at the plan limit, counting pending + in_progress + completed only', async () => {
    const t = await seedTenant(api.em(), { plan: 'pro' });
    const em = api.em();
    for (const status of ['pending', 'in_progress', 'completed', 'completed', 'completed'] as const) {
      await seedBackup(em, t.deploymentId, { status });
    }
    // Failed, deleting and deleted backups do not count.
    for (const status of ['failed', 'deleting', 'deleted'] as const)
      await seedBackup(em, t.deploymentId, { status });
    const res = await api.request('POST', `/deployments/${t.deploymentId}/backups`, {
      key: t.key,
      body: { name: 'sixth' },
    });
    expectError(res, 409, 'backup_limit_reached');

    const override = await seedTenant(api.em(), { plan: 'pro', backupLimitOverride: 1 });
    expectStatus(
      await api.request('POST', `/deployments/${override.deploymentId}/backups`, {
        key: override.key,
        body: { name: 'a' },
      }),
      204,
    );
    expectError(
      await api.request('POST', `/deployments/${override.deploymentId}/backups`, {
        key: override.key,
        body: { name: 'b' },
      }),
      409,
      'backup_limit_reached',
    );
  });

  it('lets exactly one of 20 concurrent creates through when one slot is left (Pro, 4 backups)', async () => {
    const t = await seedTenant(api.em(), { plan: 'pro' });
    for (let i = 0; i < 4; i++) await seedBackup(api.em(), t.deploymentId, { status: 'completed' });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.request('POST', `/deployments/${t.deploymentId}/backups`, {
          key: t.key,
          body: { name: `race-${i}` },
        }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses, results.map((r) => r.text).join('\n')).toEqual([204, ...Array(19).fill(409)]);
    for (const r of results.filter((x) => x.status === 409)) expectError(r, 409, 'backup_limit_reached');
    const [{ n } = { n: '' }] = await api
      .em()
      .execute<Array<{ n: string }>>(
        "select count(*) as n from backups where deployment_id = ? and status in ('pending','in_progress','completed')",
        [t.deploymentId],
      );
    expect(n).toBe('5');
  });
});
