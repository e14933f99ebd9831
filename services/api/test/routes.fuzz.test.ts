import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Seeded, seedBackup, seedTenant, useApi } from './harness.js';

// Property: whatever arrives (ids, headers, bodies), no route answers 5xx, and
// every answer carries a request id and Cache-Control: no-store; errors have
// the one JSON shape.

const api = useApi();
let t: Seeded & { backupId: bigint };

beforeAll(async () => {
  const seeded = await seedTenant(api.em(), { plan: 'enterprise', backupLimitOverride: 100_000 });
  t = { ...seeded, backupId: await seedBackup(api.em(), seeded.deploymentId, { status: 'completed' }) };
});

const RUNS = 200;
const headerText = fc.stringMatching(/^[\x20-\x7e]{0,80}$/);

const idArb = () =>
  fc.oneof(
    fc.constant('REAL'),
    fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
    fc.string({ maxLength: 30 }).map(encodeURIComponent),
    fc.constantFrom(
      '0',
      '-1',
      '1e3',
      '0x10',
      '9223372036854775807',
      '9223372036854775808',
      '%00',
      '..',
      '%2F',
    ),
  );

const fieldValue = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ maxLength: 1100 }),
  fc.integer(),
  fc.double(),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
);

function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `__big__${v}` : v)).replace(
    /"__big__(-?\d+)"/g,
    '$1',
  );
}

const bodyArb = fc.oneof(
  fc
    .record(
      {
        name: fieldValue,
        node_id: fieldValue,
        backup_type: fc.oneof(fieldValue, fc.constantFrom('manual', 'scheduled', 'pre_upgrade')),
        remarks: fieldValue,
        expires_in_days: fieldValue,
        cron: fc.oneof(fieldValue, fc.constantFrom('0 3 * * *', '* * * * *', '0 0 31 2 *', '@daily')),
        timezone: fc.oneof(fieldValue, fc.constantFrom('UTC', 'Europe/Warsaw', 'Mars/Base')),
        keep_count: fieldValue,
        enabled: fieldValue,
        target_version: fieldValue,
        extra: fieldValue,
      },
      { requiredKeys: [] },
    )
    .map(toJson),
  fc.constant('{"name":"ok"}'),
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    '',
    '{',
    '[[[[[[[[[[',
    '{"name":"x","name":"y"}',
    '{"__proto__":{"admin":true},"name":"x"}',
    'null',
    '"x"',
    '1e999999',
  ),
  fc.nat({ max: 400 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
);

const requestArb = fc.record({
  deploymentId: idArb(),
  childId: idArb(),
  key: fc.oneof(
    fc.constant('VALID'),
    fc.constant(undefined),
    headerText,
    fc.constant(`ld_${'z'.repeat(40)}`),
  ),
  contentType: fc.oneof(
    fc.constant('application/json'),
    fc.constant(undefined),
    headerText,
    fc.constant('application/json; charset=latin1'),
  ),
  requestId: fc.oneof(fc.constant(undefined), headerText),
  body: fc.option(bodyArb, { nil: undefined }),
});

type Route = { method: string; path: (d: string, c: string) => string };
const ROUTES: Route[] = [
  { method: 'GET', path: (d) => `/deployments/${d}/backups` },
  { method: 'POST', path: (d) => `/deployments/${d}/backups` },
  { method: 'GET', path: (d, c) => `/deployments/${d}/backups/${c}` },
  { method: 'POST', path: (d, c) => `/deployments/${d}/backups/${c}/restore` },
  { method: 'DELETE', path: (d, c) => `/deployments/${d}/backups/${c}` },
  { method: 'GET', path: (d) => `/deployments/${d}/restores` },
  { method: 'GET', path: (d, c) => `/deployments/${d}/restores/${c}` },
  { method: 'GET', path: (d) => `/deployments/${d}/backup-schedule` },
  { method: 'PUT', path: (d) => `/deployments/${d}/backup-schedule` },
  { method: 'DELETE', path: (d) => `/deployments/${d}/backup-schedule` },
  { method: 'POST', path: (d) => `/deployments/${d}/upgrade` },
  { method: 'GET', path: (d, c) => `/deployments/${d}/upgrades/${c}` },
];

describe.each(ROUTES)('$method fuzzing never yields a 5xx', (route) => {
  it(`holds for ${RUNS} random requests`, async () => {
    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        const deploymentId = r.deploymentId === 'REAL' ? t.deploymentId.toString() : r.deploymentId;
        // DELETE would take the one real backup out of play; keep it on other ids.
        const childId = r.childId === 'REAL' && route.method !== 'DELETE' ? t.backupId.toString() : r.childId;
        const headers: Record<string, string> = {};
        if (r.key !== undefined) headers['ld-api-key'] = r.key === 'VALID' ? t.key : r.key;
        if (r.contentType !== undefined) headers['content-type'] = r.contentType;
        if (r.requestId !== undefined) headers['x-request-id'] = r.requestId;
        const url = `${api.url}${route.path(deploymentId, childId)}`;
        const res = await fetch(url, {
          method: route.method,
          headers,
          body: route.method === 'GET' ? undefined : r.body,
        });
        const text = await res.text();
        expect(res.status, text).toBeLessThan(500);
        const requestId = res.headers.get('x-request-id');
        expect(requestId).toBeTruthy();
        // Tenant answers, errors included, are never stored by a browser or a shared cache
        // (an id of `..` takes the request out of /deployments before it is sent).
        if (new URL(url).pathname.startsWith('/deployments/')) {
          expect(res.headers.get('cache-control'), text).toBe('no-store');
        }
        if (res.status >= 400) {
          const body = JSON.parse(text) as { error: { code: string; message: string; request_id: string } };
          expect(body.error.request_id).toBe(requestId);
          expect(body.error.code).toMatch(/^[a-z_]+$/);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
