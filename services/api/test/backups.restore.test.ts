import { describe, expect, it } from 'vitest';
import {
  expectError,
  expectStatus,
  queuedJobs,
  seedBackup,
  seedRestore,
  seedTenant,
  useApi,
} from './harness.js';

const api = useApi();

describe('POST /deployments/{id}/backups/{backup_id}/restore', () => {
  it('queues a restore of a completed backup: 204, Location, restore + operation rows, drive signal', async () => {
    const t = await seedTenant(api.em());
    const backupId = await seedBackup(api.em(), t.deploymentId, { status: 'completed' });
    const res = await api.request('POST', `/deployments/${t.deploymentId}/backups/${backupId}/restore`, {
      key: t.manageKey,
    });
    expectStatus(res, 204);
    const location = res.headers.get('location') ?? '';
    expect(location).toMatch(new RegExp(`^/deployments/${t.deploymentId}/restores/\\d+$`));
    const restoreId = location.split('/').pop();
    const [op] = await api
      .em()
      .execute<Array<Record<string, unknown>>>(
        'select kind, status, restore_id, backup_id from operations where restore_id = ?',
        [restoreId],
      );
    expect(op).toEqual({
      kind: 'restore',
      status: 'queued',
      restore_id: restoreId,
      backup_id: backupId.toString(),
    });
    expect(await queuedJobs(api, 'operations')).toContainEqual({
      name: 'operation.drive',
      data: { deploymentId: t.deploymentId.toString() },
    });

    const get = await api.request('GET', location, { key: t.readKey });
    expectStatus(get, 200);
    expect(get.json).toMatchObject({
      id: Number(restoreId),
      backup_id: Number(backupId),
      status: 'pending',
      step: null,
      error: null,
      replaced_volume_ids: [],
      new_volume_ids: [],
      started_at: null,
      completed_at: null,
    });
    expect(Object.keys(get.json as object)).toEqual([
      'id',
      'deployment_id',
      'backup_id',
      'status',
      'step',
      'error',
      'replaced_volume_ids',
      'new_volume_ids',
      'created_at',
      'started_at',
      'completed_at',
    ]);
    const list = await api.request('GET', `/deployments/${t.deploymentId}/restores`, { key: t.readKey });
    expectStatus(list, 200);
    expect(list.json).toEqual([get.json]);
  });

  it('answers 409 restore_conflict for a backup that is not completed, or while a restore is active', async () => {
    const t = await seedTenant(api.em());
    for (const status of ['pending', 'in_progress', 'failed', 'deleting'] as const) {
      const id = await seedBackup(api.em(), t.deploymentId, { status });
      expectError(
        await api.request('POST', `/deployments/${t.deploymentId}/backups/${id}/restore`, { key: t.key }),
        409,
        'restore_conflict',
      );
    }
    const done = await seedBackup(api.em(), t.deploymentId, { status: 'completed' });
    await seedRestore(api.em(), t.deploymentId, done, 'in_progress');
    expectError(
      await api.request('POST', `/deployments/${t.deploymentId}/backups/${done}/restore`, { key: t.key }),
      409,
      'restore_conflict',
    );
  });

  it('answers 403 plan_upgrade_required on Basic and 422 backups_not_supported on NVMe', async () => {
    const basic = await seedTenant(api.em(), { plan: 'basic' });
    const b1 = await seedBackup(api.em(), basic.deploymentId, { status: 'completed' });
    expectError(
      await api.request('POST', `/deployments/${basic.deploymentId}/backups/${b1}/restore`, {
        key: basic.key,
      }),
      403,
      'plan_upgrade_required',
    );
    const nvme = await seedTenant(api.em(), { storageType: 'nvme' });
    const b2 = await seedBackup(api.em(), nvme.deploymentId, { status: 'completed' });
    expectError(
      await api.request('POST', `/deployments/${nvme.deploymentId}/backups/${b2}/restore`, { key: nvme.key }),
      422,
      'backups_not_supported',
    );
  });

  it('lets one of 10 concurrent restores through', async () => {
    const t = await seedTenant(api.em());
    const done = await seedBackup(api.em(), t.deploymentId, { status: 'completed' });
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        api.request('POST', `/deployments/${t.deploymentId}/backups/${done}/restore`, { key: t.key }),
      ),
    );
    expect(results.map((r) => r.status).sort(), results.map((r) => r.text).join('\n')).toEqual([
      204,
      ...Array(9).fill(409),
    ]);
  });

  it('answers 404 for deleted, foreign or unknown backups and 400 for a body with fields', async () => {
    const t = await seedTenant(api.em());
    const other = await seedTenant(api.em());
    const deleted = await seedBackup(api.em(), t.deploymentId, { status: 'deleted' });
    const foreign = await seedBackup(api.em(), other.deploymentId, { status: 'completed' });
    for (const id of [deleted, foreign, 12345678901n]) {
      expectError(
        await api.request('POST', `/deployments/${t.deploymentId}/backups/${id}/restore`, { key: t.key }),
        404,
        'not_found',
      );
    }
    const done = await seedBackup(api.em(), t.deploymentId, { status: 'completed' });
    expectError(
      await api.request('POST', `/deployments/${t.deploymentId}/backups/${done}/restore`, {
        key: t.key,
        body: { force: true },
      }),
      400,
      'invalid_request',
    );
    // An empty JSON object is tolerated.
    expectStatus(
      await api.request('POST', `/deployments/${t.deploymentId}/backups/${done}/restore`, {
        key: t.key,
        body: {},
      }),
      204,
    );
  });

  it('answers 404 for a restore id that is not this deployment’s', async () => {
    const t = await seedTenant(api.em());
    const other = await seedTenant(api.em());
    const b = await seedBackup(api.em(), other.deploymentId, { status: 'completed' });
    const r = await seedRestore(api.em(), other.deploymentId, b, 'completed');
    expectError(
      await api.request('GET', `/deployments/${t.deploymentId}/restores/${r}`, { key: t.key }),
      404,
      'not_found',
    );
    expectError(
      await api.request('GET', `/deployments/${other.deploymentId}/restores/${r}`, { key: t.key }),
      404,
      'not_found',
    );
    expectError(
      await api.request('GET', `/deployments/${t.deploymentId}/restores/0`, { key: t.key }),
      400,
      'invalid_request',
    );
  });
});
