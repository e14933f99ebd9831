import { describe, expect, it } from 'vitest';
import { expectError, expectStatus, seedBackup, seedTenant, useApi } from './harness.js';

const api = useApi();

async function operations(deploymentId: bigint) {
  return api
    .em()
    .execute<Array<{ kind: string; backup_id: string | null; upgrade_id: string | null; status: string }>>(
      'select kind, backup_id::text, upgrade_id::text, status from operations where deployment_id = ? order by id',
      [deploymentId],
    );
}

describe('POST /deployments/{id}/upgrade', () => {
  it('queues a pre_upgrade backup, then the upgrade, in the deployment order', async () => {
    const t = await seedTenant(api.em());
    const res = await api.request('POST', `/deployments/${t.deploymentId}/upgrade`, {
      key: t.key,
      body: { target_version: '0.5.0' },
    });
    expectStatus(res, 204);
    const location = res.headers.get('location') ?? '';
    expect(location).toMatch(new RegExp(`^/deployments/${t.deploymentId}/upgrades/\\d+$`));

    const ops = await operations(t.deploymentId);
    expect(ops.map((o) => o.kind)).toEqual(['backup', 'upgrade']);
    expect(ops[1]?.backup_id).toBe(ops[0]?.backup_id);

    const upgrade = await api.request('GET', location, { key: t.readKey });
    expectStatus(upgrade, 200);
    expect(upgrade.json).toMatchObject({
      from_version: '0.4.0',
      target_version: '0.5.0',
      status: 'pending',
      pre_upgrade_backup_id: Number(ops[0]?.backup_id),
    });
    const backups = await api.request('GET', `/deployments/${t.deploymentId}/backups`, { key: t.key });
    expect(backups.json).toMatchObject([
      { backup_type: 'pre_upgrade', status: 'pending', name: 'pre-upgrade-0.5.0' },
    ]);

    // A second upgrade while this one is queued is refused.
    expectError(
      await api.request('POST', `/deployments/${t.deploymentId}/upgrade`, {
        key: t.key,
        body: { target_version: '0.6.0' },
      }),
      409,
      'upgrade_conflict',
    );
  });

  it('upgrades without a backup when the plan has none', async () => {
    const t = await seedTenant(api.em(), { plan: 'basic' });
    expectStatus(
      await api.request('POST', `/deployments/${t.deploymentId}/upgrade`, {
        key: t.key,
        body: { target_version: '0.5.0' },
      }),
      204,
    );
    const ops = await operations(t.deploymentId);
    expect(ops.map((o) => [o.kind, o.backup_id])).toEqual([['upgrade', null]]);
  });

  it('rotates the oldest completed pre-upgrade backup at the plan limit, and refuses when nothing can go', async () => {
    const t = await seedTenant(api.em());
    const oldest = await seedBackup(api.em(), t.deploymentId, { status: 'completed' });
    await api.em().execute("update backups set backup_type = 'pre_upgrade' where id = ?", [oldest]);
    for (let i = 0; i < 4; i++) await seedBackup(api.em(), t.deploymentId, { status: 'completed' });
    expectStatus(
      await api.request('POST', `/deployments/${t.deploymentId}/upgrade`, {
        key: t.key,
        body: { target_version: '0.5.0' },
      }),
      204,
    );
    const [row] = await api
      .em()
      .execute<Array<{ status: string }>>('select status from backups where id = ?', [oldest]);
    expect(row?.status).toBe('deleting');
    const deletes = await api.queues.queue('deletes').getWaiting();
    expect(deletes.map((j) => j.data.backupId)).toContain(oldest.toString());

    const full = await seedTenant(api.em());
    for (let i = 0; i < 5; i++) await seedBackup(api.em(), full.deploymentId, { status: 'completed' });
    expectError(
      await api.request('POST', `/deployments/${full.deploymentId}/upgrade`, {
        key: full.key,
        body: { target_version: '0.5.0' },
      }),
      409,
      'backup_limit_reached',
    );
    expect(await operations(full.deploymentId)).toEqual([]);
  });

  it('validates the body', async () => {
    const t = await seedTenant(api.em());
    for (const body of [
      {},
      { target_version: '' },
      { target_version: 'a b' },
      { target_version: '1', x: 1 },
    ]) {
      expectError(
        await api.request('POST', `/deployments/${t.deploymentId}/upgrade`, { key: t.key, body }),
        400,
        'invalid_request',
      );
    }
  });
});
