import { sampleValue, scrape } from '@backups/testing';
import { describe, expect, it } from 'vitest';
import { expectStatus, seedBackup, seedTenant, useApi } from './harness.js';

// /metrics: Prometheus text, no tenant key needed; HTTP series by route
// template (never by raw path), domain and queue gauges read at scrape time.

const api = useApi();

describe('GET /metrics', () => {
  it('exposes HTTP, domain and queue metrics, and they move with the requests', async () => {
    const t = await seedTenant(api.em());
    await seedBackup(api.em(), t.deploymentId, { status: 'completed' });
    const before = await scrape(`${api.url}/metrics`);
    expect(sampleValue(before, 'backups_backups', { type: 'manual', status: 'completed' })).toBe(1);
    expect(sampleValue(before, 'backups_backups', { status: 'pending' })).toBe(0);
    expect(sampleValue(before, 'backups_queue_jobs', { queue: 'operations', state: 'waiting' })).toBe(0);
    for (const name of [
      'backups_operation_duration_seconds_count',
      'backups_ec2_calls_total',
      'backups_reconciler_repairs_total',
      'backups_stuck_operations',
      'process_resident_memory_bytes',
    ]) {
      // Declared even before they have values: HELP/TYPE lines are in the text.
      expect((await (await fetch(`${api.url}/metrics`)).text()).includes(name.replace(/_count$/, ''))).toBe(
        true,
      );
    }

    const res = await api.request('POST', `/deployments/${t.deploymentId}/backups`, {
      key: t.key,
      body: { name: 'metered' },
    });
    expectStatus(res, 204);
    await api.request('GET', `/deployments/${t.deploymentId}/backups`, { key: t.key });
    await api.request('GET', `/deployments/${t.deploymentId}/backups`, { key: 'ld_nope' });
    await api.request('GET', '/no/such/route');

    const after = await scrape(`${api.url}/metrics`);
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
    // No raw path (with a deployment id in it) ever becomes a label value.
    const routes = new Set(after.flatMap((s) => (s.labels.route ? [s.labels.route] : [])));
    expect([...routes].filter((r) => /\/\d+(\/|$)/.test(r))).toEqual([]);
    expect(routes.has('/metrics')).toBe(true);
    expect(after.every((s) => s.labels.service === 'api')).toBe(true);
  });
});
