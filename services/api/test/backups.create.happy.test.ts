import { describe, expect, it } from 'vitest';
import { expectStatus, queuedJobs, seedTenant, useApi } from './harness.js';

const api = useApi();

describe('POST /deployments/{id}/backups — happy paths', () => {
  it('accepts a create with 204 and a Location, writes the backup and a queued operation, and signals the worker', async () => {
    const t = await seedTenant(api.em());
    const res = await api.request('POST', `/deployments/${t.deploymentId}/backups`, {
      key: t.manageKey,
      body: {
        name: '  before-migration  ',
        remarks: 'Snapshot before schema migration',
        expires_in_days: 30,
      },
    });
    expectStatus(res, 204);
    expect(res.text).toBe('');
    const location = res.headers.get('location') ?? '';
    expect(location, res.text).toMatch(new RegExp(`^/deployments/${t.deploymentId}/backups/\\d+$`));
    const backupId = location.split('/').pop() ?? '';

    const [row] = await api.em().execute<Array<Record<string, unknown>>>(
      `select b.name, b.status, b.backup_type, b.remarks, b.node_id, b.region,
              extract(epoch from b.expires_at - b.created_at) / 86400 as days,
              o.kind, o.status as op_status, o.backup_id
         from backups b join operations o on o.backup_id = b.id where b.id = ?`,
      [backupId],
    );
    expect(row).toMatchObject({
      name: 'before-migration',
      status: 'pending',
      backup_type: 'manual',
      remarks: 'Snapshot before schema migration',
      node_id: null,
      region: 'us-west-1',
      kind: 'backup',
      op_status: 'queued',
    });
    expect(Number(row?.days)).toBe(30);
    expect(await queuedJobs(api, 'operations')).toContainEqual({
      name: 'operation.drive',
      data: { deploymentId: t.deploymentId.toString() },
    });

    const get = await api.request('GET', location, { key: t.readKey });
    expectStatus(get, 200);
    expect(get.json).toMatchObject({
      id: Number(backupId),
      status: 'pending',
      snapshot_ids: [],
      volume_ids: [],
      size_bytes: null,
    });
  });

  it('accepts node_id as an exact int64, a backup_type, and a second create while one is pending', async () => {
    const t = await seedTenant(api.em());
    const nodeId = t.nodeIds[1] ?? 0n;
    const first = await api.request('POST', `/deployments/${t.deploymentId}/backups`, {
      key: t.key,
      body: { name: 'node-two', node_id: nodeId, backup_type: 'pre_upgrade' },
    });
    expectStatus(first, 204);
    const second = await api.request('POST', `/deployments/${t.deploymentId}/backups`, {
      key: t.key,
      body: { name: 'waits', backup_type: 'scheduled', remarks: null },
    });
    expectStatus(second, 204);
    const ops = await api
      .em()
      .execute<Array<{ backup_id: string }>>(
        'select backup_id from operations where deployment_id = ? order by id',
        [t.deploymentId],
      );
    // Request order is operations id order.
    expect(ops.map((o) => o.backup_id)).toEqual([
      first.headers.get('location')?.split('/').pop(),
      second.headers.get('location')?.split('/').pop(),
    ]);
    const list = await api.request('GET', `/deployments/${t.deploymentId}/backups`, { key: t.key });
    const items = list.json as Array<{ name: string; node_id: bigint | null; backup_type: string }>;
    expect(items.map((b) => [b.name, b.node_id, b.backup_type])).toEqual([
      ['waits', null, 'scheduled'],
      ['node-two', Number(nodeId), 'pre_upgrade'],
    ]);
  });

  it('keeps a node id beyond 2^53 exact from request body to Postgres', async () => {
    const t = await seedTenant(api.em());
    const bigNode = 611298765432109056n;
    await api
      .em()
      .execute(
        "insert into nodes (id, deployment_id, name, instance_id, availability_zone) values (?, ?, 'big', 'i-0big00000000000a', 'us-west-1a')",
        [bigNode, t.deploymentId],
      );
    const res = await api.request('POST', `/deployments/${t.deploymentId}/backups`, {
      key: t.key,
      rawBody: `{"name":"big","node_id":${bigNode}}`,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expectStatus(res, 204);
    const get = await api.request('GET', res.headers.get('location') ?? '', { key: t.key });
    expect(get.text).toContain(`"node_id":${bigNode}`);
  });
});

describe('POST /deployments/{id}/backups — Idempotency-Key', () => {
  it('gives a retried create the same backup instead of a second one, even at the plan limit', async () => {
    const t = await seedTenant(api.em(), { plan: 'pro', backupLimitOverride: 1 });
    const path = `/deployments/${t.deploymentId}/backups`;
    const send = (key: string) =>
      api.request('POST', path, { key: t.key, body: { name: 'once' }, headers: { 'idempotency-key': key } });
    const first = await send('retry-me-1');
    expectStatus(first, 204);
    const retry = await send('retry-me-1');
    expectStatus(retry, 204);
    expect(retry.headers.get('location')).toBe(first.headers.get('location'));
    const [{ n } = { n: '' }] = await api
      .em()
      .execute<Array<{ n: string }>>('select count(*) as n from operations where deployment_id = ?', [
        t.deploymentId,
      ]);
    expect(n).toBe('1');
    // A different key is a different create, refused at the limit.
    const other = await send('retry-me-2');
    expect(other.status, other.text).toBe(409);
    const bad = await api.request('POST', path, {
      key: t.key,
      body: { name: 'x' },
      headers: { 'idempotency-key': 'x'.repeat(129) },
    });
    expect(bad.status, bad.text).toBe(400);
    expect(bad.text).toContain('idempotency-key');
  });
});
