import { describe, expect, it } from 'vitest';
import { capturedLogger, seedTenant, useApi } from './harness.js';

// The API logs through the project's logger (createLogger, as main.ts builds it),
// at the most verbose level here: every request is logged with its request id,
// and no line may ever carry an API key, valid or not.

const { logger, lines } = capturedLogger('trace');
const api = useApi({}, { logger });

/** The logged entries (each line is one JSON object). */
const entries = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

describe('logs', () => {
  it('log every request with its request id and never carry an API key', async () => {
    const t = await seedTenant(api.em());
    const forged = `ld_${'Q'.repeat(40)}`;
    const path = `/deployments/${t.deploymentId}/backups`;
    const responses = [
      await api.request('GET', path, { key: t.key }),
      await api.request('GET', path, { key: forged }),
      await api.request('POST', path, {
        key: t.key,
        rawBody: '{bad',
        headers: { 'content-type': 'application/json' },
      }),
      await api.request('POST', path, { key: t.key, body: { name: 'logged' } }),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 401, 400, 204]);
    await new Promise((r) => setImmediate(r));
    const requestLines = entries().filter((e) => e.msg === 'request');
    for (const res of responses) {
      const id = res.headers.get('x-request-id');
      expect(requestLines.filter((e) => e.request_id === id).map((e) => e.status)).toEqual([res.status]);
    }
    const all = lines.join('\n');
    for (const secret of [t.key, forged, t.key.slice(3)]) expect(all).not.toContain(secret);
  });

  it("redact an API key in logged headers and secret fields (the API's logger, as configured)", async () => {
    const t = await seedTenant(api.em());
    // The shapes a request or a key could be logged in: headers, and named secret fields.
    const before = lines.length;
    logger.child({ request_id: 'redaction-check' }).warn(
      {
        req: { headers: { 'ld-api-key': t.key, authorization: `Basic ${t.key}` } },
        headers: { 'ld-api-key': t.key },
        apiKey: t.key,
        secret: t.key,
        key: { secret: t.key, apiKey: t.key },
      },
      'redaction check',
    );
    const [entry] = entries().slice(before);
    expect(entry).toMatchObject({
      request_id: 'redaction-check',
      req: { headers: { 'ld-api-key': '[redacted]', authorization: '[redacted]' } },
      headers: { 'ld-api-key': '[redacted]' },
      apiKey: '[redacted]',
      secret: '[redacted]',
      key: { secret: '[redacted]', apiKey: '[redacted]' },
    });
    expect(lines.join('\n')).not.toContain(t.key.slice(3));
  });
});
