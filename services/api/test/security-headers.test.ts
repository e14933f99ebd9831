import { describe, expect, it } from 'vitest';
import { type ApiResponse, expectError, expectStatus, seedTenant, useApi } from './harness.js';

// The pages a browser shows (the API reference, where users paste their key,
// and the Console) carry a CSP that refuses framing plus the usual set; tenant
// JSON is never stored by a browser or a shared cache, error answers included.
// Names an object literal inherits must be plain 404s, never a 500.

const api = useApi();
// A limit of one request per window, so the second request is a 429.
const limited = useApi({ rateLimitRequests: 1, rateLimitWindowSeconds: 60 });

const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'prototype'];

function expectPageHeaders(res: ApiResponse, what: string): void {
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp, what).toContain("frame-ancestors 'none'");
  expect(csp, what).toContain("script-src 'self'");
  expect(csp, what).not.toContain('unsafe-eval');
  expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(res.headers.get('x-frame-options'), what).toBe('DENY');
  expect(res.headers.get('referrer-policy'), what).toBe('no-referrer');
}

describe('security headers on the pages', () => {
  it('the API reference, its script, assets and the OpenAPI document', async () => {
    for (const path of [
      '/docs',
      '/docs/init.js',
      '/docs/assets/swagger-ui-bundle.js',
      '/docs/assets/swagger-ui.css',
      '/openapi.json',
    ]) {
      const res = await api.request('GET', path);
      expectStatus(res, 200);
      expectPageHeaders(res, path);
    }
    // Its 404s too: the headers wrap whatever the routes answer.
    const missing = await api.request('GET', '/docs/assets/nope.js');
    expectError(missing, 404, 'not_found');
    expectPageHeaders(missing, '/docs/assets/nope.js');
  });

  it('the Console page and its assets', async () => {
    for (const path of [
      '/console/deployments/1',
      '/console/assets/console.js',
      '/console/assets/console.css',
    ]) {
      const res = await api.request('GET', path);
      expectStatus(res, 200);
      expectPageHeaders(res, path);
    }
  });
});

describe('asset names an object inherits', () => {
  it.each(PROTOTYPE_NAMES)(
    'a file named %s is 404 not_found under /console/assets and /docs/assets',
    async (name) => {
      for (const path of [`/console/assets/${name}`, `/docs/assets/${name}`]) {
        expectError(await api.request('GET', path), 404, 'not_found');
      }
    },
  );
});

describe('Cache-Control: no-store on tenant JSON', () => {
  const expectNoStore = (res: ApiResponse, what: string) =>
    expect(res.headers.get('cache-control'), `${what}: ${res.text}`).toBe('no-store');

  it('on successes: a 200 list and a 204 create', async () => {
    const t = await seedTenant(api.em());
    const list = await api.request('GET', `/deployments/${t.deploymentId}/backups`, { key: t.key });
    expectStatus(list, 200);
    expectNoStore(list, 'list');
    const create = await api.request('POST', `/deployments/${t.deploymentId}/backups`, {
      key: t.key,
      body: { name: 'nightly' },
    });
    expectStatus(create, 204);
    expectNoStore(create, 'create');
  });

  it('on errors: 400, 401, 403, 404 (unknown deployment and unknown route)', async () => {
    const t = await seedTenant(api.em());
    const cases: Array<[string, ApiResponse, number, string]> = [
      [
        'bad id',
        await api.request('GET', '/deployments/abc/backups', { key: t.key }),
        400,
        'invalid_request',
      ],
      ['no key', await api.request('GET', `/deployments/${t.deploymentId}/backups`), 401, 'unauthenticated'],
      [
        'read key creating',
        await api.request('POST', `/deployments/${t.deploymentId}/backups`, {
          key: t.readKey,
          body: { name: 'x' },
        }),
        403,
        'forbidden',
      ],
      [
        'unknown deployment',
        await api.request('GET', '/deployments/999999999/backups', { key: t.key }),
        404,
        'not_found',
      ],
      [
        'unknown route',
        await api.request('GET', `/deployments/${t.deploymentId}/nope`, { key: t.key }),
        404,
        'not_found',
      ],
    ];
    for (const [what, res, status, code] of cases) {
      expectError(res, status, code);
      expectNoStore(res, what);
    }
  });

  it('on a 429', async () => {
    const t = await seedTenant(limited.em());
    const path = `/deployments/${t.deploymentId}/backups`;
    expectStatus(await limited.request('GET', path, { key: t.key }), 200);
    const res = await limited.request('GET', path, { key: t.key });
    expectError(res, 429, 'rate_limited');
    expectNoStore(res, '429');
  });
});
