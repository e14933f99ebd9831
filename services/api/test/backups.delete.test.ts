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

async function statusOf(id: bigint): Promise<string | undefined> {
  const [row] = await api
    .em()
    .execute<Array<{ status: string }>>('select status from backups where id = ?', [id]);
  return row?.status;
}

describe('DELETE /deployments/{id}/backups/{backup_id}', () => {
  it('marks a completed or failed backup deleting, signals backup.delete, and is idempotent', async () => {
    const t = await seedTenant(api.em());
    for (const status of ['completed', 'failed'] as const) {
      const id = await seedBackup(api.em(), t.deploymentId, { status });
      const path = `/deployments/${t.deploymentId}/backups/${id}`;
      const res = await api.request('DELETE', path, { key: t.manageKey });
      expectStatus(res, 204);
      expect(res.text).toBe('');
      expect(await statusOf(id)).toBe('deleting');
      expect(await queuedJobs(api, 'deletes')).toContainEqual({
        name: 'backup.delete',
        data: { backupId: id.toString() },
      });
      expectStatus(await api.request('DELETE', path, { key: t.manageKey }), 204);
      // Still listed, as deleting, until the worker has removed the snapshots.
      expect((await api.request('GET', path, { key: t.key })).json).toMatchObject({ status: 'deleting' });
    }
  });

  it('answers 409 backup_busy for pending, in-progress and being-restored backups', async () => {
    const t = await seedTenant(api.em());
    for (const status of ['pending', 'in_progress'] as const) {
      const id = await seedBackup(api.em(), t.deploymentId, { status });
      expectError(
        await api.request('DELETE', `/deployments/${t.deploymentId}/backups/${id}`, { key: t.key }),
        409,
        'backup_busy',
      );
      expect(await statusOf(id)).toBe(status);
    }
    const restored = await seedBackup(api.em(), t.deploymentId, { status: 'completed' });
    await seedRestore(api.em(), t.deploymentId, restored, 'pending');
    expectError(
      await api.request('DELETE', `/deployments/${t.deploymentId}/backups/${restored}`, { key: t.key }),
      409,
      'backup_busy',
    );
    expect(await statusOf(restored)).toBe('completed');
  });

  it('answers 404 once deleted, and for foreign or unknown backups', async () => {
    const t = await seedTenant(api.em());
    const other = await seedTenant(api.em());
    const deleted = await seedBackup(api.em(), t.deploymentId, { status: 'deleted' });
    const foreign = await seedBackup(api.em(), other.deploymentId, { status: 'completed' });
    for (const id of [deleted, foreign, 999999n]) {
      expectError(
        await api.request('DELETE', `/deployments/${t.deploymentId}/backups/${id}`, { key: t.key }),
        404,
        'not_found',
      );
    }
    expect(await statusOf(foreign)).toBe('completed');
  });
});
