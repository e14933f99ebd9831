import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { expectStatus, seedTenant, useApi } from './harness.js';

// Every request is logged (at debug) with its request id; no log line may
// ever carry an API key, valid or not.

const lines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  },
});
const api = useApi({}, { logger: pino({ level: 'trace', base: { service: 'api-test' } }, sink) });

describe('logs', () => {
  it('carry request ids and never an API key', async () => {
    const t = await seedTenant(api.em());
    const forged = `ld_${'Q'.repeat(40)}`;
    const ok = await api.request('GET', `/deployments/${t.deploymentId}/backups`, { key: t.key });
    expectStatus(ok, 200);
    await api.request('GET', `/deployments/${t.deploymentId}/backups`, { key: forged });
    await api.request('POST', `/deployments/${t.deploymentId}/backups`, {
      key: t.key,
      rawBody: '{bad',
      headers: { 'content-type': 'application/json' },
    });
    await api.request('POST', `/deployments/${t.deploymentId}/backups`, {
      key: t.key,
      body: { name: 'logged' },
    });
    await new Promise((r) => setImmediate(r));
    const all = lines.join('\n');
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(all).toContain(ok.headers.get('x-request-id'));
    for (const secret of [t.key, forged, t.key.slice(3)]) expect(all).not.toContain(secret);
  });
});
