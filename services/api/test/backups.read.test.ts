import { describe, expect, it } from 'vitest';
import { expectError, expectStatus, seedBackup, seedTenant, useApi } from './harness.js';

const api = useApi();

const SEED_FIELDS = [
  'id',
  'deployment_id',
  'node_id',
  'name',
  'backup_type',
  'status',
  'snapshot_ids',
  'volume_ids',
  'size_bytes',
  'region',
  'remarks',
  'started_at',
  'completed_at',
  'expires_at',
  'created_at',
  'progress',
];
const RFC3339_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

describe('GET /deployments/{id}/backups and /backups/{backup_id}', () => {
  it('lists newest first with exactly the documented fields and types, hides deleted, and explains failures', async () => {
    const bigDeployment = 611298765432109056n;
    const t = await seedTenant(api.em(), { deploymentId: bigDeployment });
    const em = api.em();
    const nodeId = t.nodeIds[0] ?? 0n;
    const completed = await seedBackup(em, t.deploymentId, {
      status: 'completed',
      nodeId,
      snapshots: [{ nodeId, volumeId: 'vol-0abc123def456789a', snapshotId: 'snap-0abc123def456789a' }],
    });
    await seedBackup(em, t.deploymentId, { status: 'deleted' });
    const failed = await seedBackup(em, t.deploymentId, {
      status: 'failed',
      failureReason: 'snapshot snap-1 entered error state',
      remarks: 'nightly',
    });
    const pending = await seedBackup(em, t.deploymentId, { status: 'pending' });

    const res = await api.request('GET', `/deployments/${bigDeployment}/backups`, { key: t.readKey });
    expectStatus(res, 200);
    expect(res.headers.get('content-type')).toContain('application/json');
    // The int64 deployment id is written as an exact JSON number.
    expect(res.text).toContain(`"deployment_id":${bigDeployment}`);
    const items = res.json as Array<Record<string, unknown>>;
    expect(items.map((b) => BigInt(b.id as number))).toEqual([pending, failed, completed]);
    for (const item of items) {
      expect(Object.keys(item)).toEqual(SEED_FIELDS);
      expect(item.created_at).toMatch(RFC3339_SECONDS);
    }
    const [p, f, c] = items;
    expect(p).toMatchObject({
      status: 'pending',
      snapshot_ids: [],
      volume_ids: [],
      size_bytes: null,
      started_at: null,
      completed_at: null,
      expires_at: null,
      remarks: null,
      progress: null,
    });
    expect(f).toMatchObject({
      status: 'failed',
      remarks: 'Failed: snapshot snap-1 entered error state | nightly',
    });
    expect(c).toMatchObject({
      status: 'completed',
      node_id: Number(nodeId),
      snapshot_ids: ['snap-0abc123def456789a'],
      volume_ids: ['vol-0abc123def456789a'],
      size_bytes: 53687091200,
      region: 'us-west-1',
      backup_type: 'manual',
      // Seeded with no stored progress, as a row from before the column: completed is 100 regardless.
      progress: 100,
    });
    expect(c?.completed_at).toMatch(RFC3339_SECONDS);

    const one = await api.request('GET', `/deployments/${bigDeployment}/backups/${completed}`, {
      key: t.readKey,
    });
    expectStatus(one, 200);
    expect(one.json).toEqual(c);
  });

  it('answers 200 [] for a deployment with no backups, 404 for deleted or foreign backups', async () => {
    const t = await seedTenant(api.em());
    const other = await seedTenant(api.em());
    const empty = await api.request('GET', `/deployments/${t.deploymentId}/backups`, { key: t.readKey });
    expectStatus(empty, 200);
    expect(empty.text).toBe('[]');
    const deleted = await seedBackup(api.em(), t.deploymentId, { status: 'deleted' });
    const foreign = await seedBackup(api.em(), other.deploymentId, { status: 'completed' });
    for (const id of [deleted, foreign, 9223372036854775807n]) {
      expectError(
        await api.request('GET', `/deployments/${t.deploymentId}/backups/${id}`, { key: t.readKey }),
        404,
        'not_found',
      );
    }
    expectError(await api.request('GET', '/deployments/77777/backups', { key: t.readKey }), 404, 'not_found');
    expectError(
      await api.request('GET', `/deployments/${t.deploymentId}/backups/x1`, { key: t.readKey }),
      400,
      'invalid_request',
    );
  });

  it('lets a Basic tenant still read what it has (the plan gate is on creating work)', async () => {
    const t = await seedTenant(api.em(), { plan: 'basic' });
    expectStatus(await api.request('GET', `/deployments/${t.deploymentId}/backups`, { key: t.readKey }), 200);
  });
});
