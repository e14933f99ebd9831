import type { EntityManager } from '@mikro-orm/postgresql';
import { describe, expect, it } from 'vitest';
import { expectError, seedBackup, seedTenant, useApi } from './harness.js';

// The create writes the backup and its operation in one statement, and the
// plan, support, node and limit rules then decide between COMMIT and ROLLBACK:
// every refusal must leave the tables as they were.

const api = useApi();

async function rowsOf(
  em: EntityManager,
  deploymentId: bigint,
): Promise<{ backups: string; operations: string }> {
  const [row] = await em.execute<Array<{ backups: string; operations: string }>>(
    `select (select count(*) from backups where deployment_id = ?) as backups,
            (select count(*) from operations where deployment_id = ?) as operations`,
    [deploymentId, deploymentId],
  );
  return row ?? { backups: '?', operations: '?' };
}

describe('POST /deployments/{id}/backups — a refused create writes nothing', () => {
  it('leaves no backup and no operation behind for each refusal, then accepts a valid create', async () => {
    const basic = await seedTenant(api.em(), { plan: 'basic' });
    const gcp = await seedTenant(api.em(), { cloud: 'gcp' });
    const nvme = await seedTenant(api.em(), { storageType: 'nvme' });
    const full = await seedTenant(api.em(), { plan: 'pro' });
    for (let i = 0; i < 5; i++) await seedBackup(api.em(), full.deploymentId, { status: 'completed' });
    const other = await seedTenant(api.em());
    const cases: Array<[string, typeof basic, bigint, Record<string, unknown>, number, string]> = [
      ['Basic plan', basic, basic.deploymentId, { name: 'x' }, 403, 'plan_upgrade_required'],
      ['off AWS', gcp, gcp.deploymentId, { name: 'x' }, 422, 'backups_not_supported'],
      ['NVMe', nvme, nvme.deploymentId, { name: 'x' }, 422, 'backups_not_supported'],
      [
        'node of another deployment',
        gcp,
        gcp.deploymentId,
        { name: 'x', node_id: other.nodeIds[0] },
        422,
        'backups_not_supported',
      ],
      ['at the limit', full, full.deploymentId, { name: 'x' }, 409, 'backup_limit_reached'],
      [
        'at the limit, with a node',
        full,
        full.deploymentId,
        { name: 'x', node_id: full.nodeIds[0] },
        409,
        'backup_limit_reached',
      ],
      [
        'node of another deployment',
        other,
        other.deploymentId,
        { name: 'x', node_id: full.nodeIds[0] },
        422,
        'invalid_node',
      ],
      ["another tenant's deployment", other, full.deploymentId, { name: 'x' }, 404, 'not_found'],
    ];
    for (const [label, tenant, deploymentId, body, status, code] of cases) {
      const before = await rowsOf(api.em(), deploymentId);
      const res = await api.request('POST', `/deployments/${deploymentId}/backups`, {
        key: tenant.key,
        body,
      });
      expectError(res, status, code);
      expect(await rowsOf(api.em(), deploymentId), label).toEqual(before);
    }
    // Refusals handed their connections back clean: the next create commits.
    const res = await api.request('POST', `/deployments/${other.deploymentId}/backups`, {
      key: other.key,
      body: { name: 'x' },
    });
    expect(res.status, res.text).toBe(204);
    expect(await rowsOf(api.em(), other.deploymentId)).toEqual({ backups: '1', operations: '1' });
  });

  it('writes nothing for a retried create that finds its backup', async () => {
    const t = await seedTenant(api.em(), { plan: 'pro' });
    const send = () =>
      api.request('POST', `/deployments/${t.deploymentId}/backups`, {
        key: t.key,
        body: { name: 'x' },
        headers: { 'idempotency-key': 'retry-1' },
      });
    const first = await send();
    expect(first.status, first.text).toBe(204);
    const second = await send();
    expect(second.status, second.text).toBe(204);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect(await rowsOf(api.em(), t.deploymentId)).toEqual({ backups: '1', operations: '1' });
  });
});
