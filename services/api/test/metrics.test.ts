import { sampleValue, scrape, useTestDatabase, useTestRedis } from '@backups/testing';
import type { EntityManager } from '@mikro-orm/postgresql';
import { describe, expect, it } from 'vitest';
import { useApiProcess } from './api-process.js';
import { seedBackup, seedTenant } from './harness.js';

// /metrics of the API as a real process: Prometheus text on METRICS_PORT, never
// on the tenant port (it shows every tenant's counts and each scrape costs
// Postgres and Redis round trips). HTTP series by route template (never by raw
// path), domain and queue gauges read at scrape time.

const db = useTestDatabase();
const redis = useTestRedis();
const api = useApiProcess(db, redis);
const em = () => db.orm.em.fork() as EntityManager;

const call = (method: string, path: string, key?: string, body?: unknown) =>
  fetch(`${api().url}${path}`, {
    method,
    headers: { ...(key ? { 'ld-api-key': key } : {}), 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe('the tenant port', () => {
  it('answers /metrics with 404 in the error shape; /healthz and /readyz stay', async () => {
    const res = await fetch(`${api().url}/metrics`);
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string; request_id: string } };
    expect(body.error.code).toBe('not_found');
    expect(body.error.request_id).toBe(res.headers.get('x-request-id'));
    expect((await fetch(`${api().url}/healthz`)).status).toBe(200);
    expect((await fetch(`${api().url}/readyz`)).status).toBe(200);
  });
});

describe('GET /metrics on METRICS_PORT', () => {
  it('serves the probes too', async () => {
    expect(api().opsUrl).not.toBe(api().url);
    expect((await fetch(`${api().opsUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${api().opsUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ok: true });
  });

  it('exposes HTTP, domain and queue metrics, and they move with the requests', async () => {
    const t = await seedTenant(em());
    await seedBackup(em(), t.deploymentId, { status: 'completed' });
    const before = await scrape(`${api().opsUrl}/metrics`);
    expect(sampleValue(before, 'backups_backups', { type: 'manual', status: 'completed' })).toBe(1);
    expect(sampleValue(before, 'backups_backups', { status: 'pending' })).toBe(0);
    expect(sampleValue(before, 'backups_queue_jobs', { queue: 'operations', state: 'waiting' })).toBe(0);
    const text = await (await fetch(`${api().opsUrl}/metrics`)).text();
    for (const name of [
      'backups_operation_duration_seconds',
      'backups_ec2_calls_total',
      'backups_reconciler_repairs_total',
      'backups_stuck_operations',
      'process_resident_memory_bytes',
    ]) {
      // Declared even before they have values: HELP/TYPE lines are in the text.
      expect(text).toContain(name);
    }

    const created = await call('POST', `/deployments/${t.deploymentId}/backups`, t.key, { name: 'metered' });
    expect(created.status, await created.text()).toBe(204);
    expect((await call('GET', `/deployments/${t.deploymentId}/backups`, t.key)).status).toBe(200);
    expect((await call('GET', `/deployments/${t.deploymentId}/backups`, 'ld_nope')).status).toBe(401);
    expect((await call('GET', '/no/such/route')).status).toBe(404);

    const after = await scrape(`${api().opsUrl}/metrics`);
    expect(sampleValue(after, 'backups_backups', { type: 'manual', status: 'pending' })).toBe(1);
    expect(sampleValue(after, 'backups_queue_jobs', { queue: 'operations', state: 'waiting' })).toBe(1);
    expect(
      sampleValue(after, 'backups_queue_oldest_waiting_seconds', { queue: 'operations' }),
    ).toBeGreaterThanOrEqual(0);
    const route = '/deployments/:deployment_id/backups';
    expect(sampleValue(after, 'backups_http_requests_total', { method: 'POST', route, status: '204' })).toBe(
      1,
    );
    expect(sampleValue(after, 'backups_http_requests_total', { method: 'GET', route, status: '200' })).toBe(
      1,
    );
    expect(sampleValue(after, 'backups_http_requests_total', { method: 'GET', route, status: '401' })).toBe(
      1,
    );
    expect(
      sampleValue(after, 'backups_http_requests_total', { route: 'unmatched', status: '404' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sampleValue(after, 'backups_http_request_duration_seconds_count', { method: 'POST', route })).toBe(
      1,
    );
    // No raw path (with a deployment id in it) ever becomes a label value, and
    // no tenant-port route serves metrics any more.
    const routes = new Set(after.flatMap((s) => (s.labels.route ? [s.labels.route] : [])));
    expect([...routes].filter((r) => /\/\d+(\/|$)/.test(r))).toEqual([]);
    expect(routes.has('/metrics')).toBe(false);
    expect(after.every((s) => s.labels.service === 'api')).toBe(true);
  });
});
