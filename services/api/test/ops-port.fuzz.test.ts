import { request } from 'node:http';
import { useTestDatabase, useTestRedis } from '@backups/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useApiProcess } from './api-process.js';

// Property: whatever method, path or headers reach the API's ops port
// (METRICS_PORT), it answers below 500 while Postgres and Redis are up: known
// paths 200, everything else 404, prototype names (`/constructor`,
// `/__proto__`) included. Raw node:http, so methods and paths fetch would
// refuse or normalise arrive as sent.

const db = useTestDatabase();
const redis = useTestRedis();
/** Only a hang comes near this. */
const HANG_MS = 120_000;
const api = useApiProcess(db, redis);

const KNOWN = ['/metrics', '/healthz', '/readyz'];
const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'prototype'];

function send(method: string, path: string, headers: Record<string, string>): Promise<number> {
  const { hostname, port } = new URL(api().opsUrl);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, method, path, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

const segment = fc.oneof(
  fc.constantFrom(...PROTOTYPE_NAMES, 'metrics', 'healthz', 'readyz', '..', '.', '%2e%2e', '%00', ''),
  fc.stringMatching(/^[\x21-\x7e]{0,20}$/).filter((s) => !s.includes('/') && !s.includes('?')),
);
const path = fc.oneof(
  fc.constantFrom(...KNOWN, ...PROTOTYPE_NAMES.map((n) => `/${n}`)),
  fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => `/${parts.join('/')}`),
  fc
    .tuple(fc.constantFrom(...KNOWN, '/'), fc.stringMatching(/^[\x21-\x7e]{0,30}$/))
    .map(([p, q]) => `${p}?${q}`),
);
const method = fc.constantFrom(
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'PROPFIND',
  'TRACE',
);
const headerName = fc.oneof(
  fc.constantFrom('accept', 'content-type', 'x-forwarded-for', 'authorization', ...PROTOTYPE_NAMES),
  fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
);
const headers = fc.dictionary(headerName, fc.stringMatching(/^[\x20-\x7e]{0,60}$/), { maxKeys: 4 });

describe('the ops port under random requests', () => {
  it(
    'never answers 5xx; known paths 200, the rest 404',
    async () => {
      await fc.assert(
        fc.asyncProperty(method, path, headers, async (m, p, h) => {
          const status = await send(m, p, h);
          expect(status, `${m} ${p}`).toBeLessThan(500);
          expect(status, `${m} ${p}`).toBe(KNOWN.includes(p) ? 200 : 404);
        }),
        { numRuns: 200 },
      );
    },
    HANG_MS,
  );

  it.each(PROTOTYPE_NAMES)('answers /%s with 404', async (name) => {
    expect(await send('GET', `/${name}`, {})).toBe(404);
  });
});
