import { describe, expect, it } from 'vitest';
import { SAME_ORIGIN_CSP } from '../src/http/security-headers.js';
import { expectError, expectStatus, useApi } from './harness.js';

// The Console's static routes without a browser: public, strict headers, and
// the API's error shape for bad addresses.

const api = useApi();

describe('console routes', () => {
  it('serves the page without a key, with a strict CSP and no caching', async () => {
    const res = await api.request('GET', '/console/deployments/611298765432109056');
    expectStatus(res, 200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toBe(SAME_ORIGIN_CSP);
    expect(SAME_ORIGIN_CSP).toContain("default-src 'self'");
    expect(SAME_ORIGIN_CSP).not.toContain('unsafe-inline');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    // No inline script or style: everything comes from /console/assets.
    expect(res.text).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(res.text).not.toMatch(/\sstyle=|<style/);
    expect(res.text).toContain('src="/console/assets/console.js"');
  });

  it('serves the listed assets with their types, and nothing else', async () => {
    for (const [file, type] of [
      ['console.js', /^text\/javascript/],
      ['int64-json.js', /^text\/javascript/],
      ['schedule-panel.js', /^text\/javascript/],
      ['schedule-format.js', /^text\/javascript/],
      ['console.css', /^text\/css/],
    ] as const) {
      const res = await api.request('GET', `/console/assets/${file}`);
      expectStatus(res, 200);
      expect(res.headers.get('content-type')).toMatch(type);
    }
    for (const file of [
      'console.html',
      'format.test.ts',
      '..%2Fconsole.route.ts',
      'int64-json.d.ts',
      'schedule-format.test.ts',
    ]) {
      expectError(await api.request('GET', `/console/assets/${file}`), 404, 'not_found');
    }
  });

  it('rejects an address that is not a deployment id with the API error shape', async () => {
    for (const bad of ['0', 'abc', '9223372036854775808', '-1']) {
      expectError(await api.request('GET', `/console/deployments/${bad}`), 400, 'invalid_request');
    }
  });

  it('leaves the REST API behind the key', async () => {
    expectError(await api.request('GET', '/deployments/1/backups'), 401, 'unauthenticated');
  });
});
