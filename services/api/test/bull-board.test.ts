import { describe, expect, it } from 'vitest';
import { expectError, seedTenant, useApi } from './harness.js';

// Bull Board at /admin/queues: operator Basic auth (never the tenant key),
// every queue of the fleet's prefix, read-only unless configured otherwise.

const operator = { user: 'ops', password: 'correct horse battery' };
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const asOperator = { authorization: basic(operator.user, operator.password) };

const api = useApi({}, { bullBoard: { operator, readOnly: true } });

describe('Bull Board', () => {
  it('refuses without, with wrong, and with tenant credentials (401, Basic challenge)', async () => {
    const t = await seedTenant(api.em());
    const attempts: Record<string, string>[] = [
      {},
      { authorization: basic(operator.user, 'wrong password!') },
      { authorization: basic('someone', operator.password) },
      { authorization: 'Basic !!!' },
      { authorization: `Bearer ${t.key}` },
      { 'ld-api-key': t.key },
    ];
    for (const headers of attempts) {
      for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
        const res = await api.request('GET', path, { headers });
        expect(res.status, `${path} ${JSON.stringify(headers)}: ${res.text}`).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
        expect((res.json as { error: { code: string } }).error.code).toBe('unauthenticated');
      }
    }
  });

  it('serves the page and its JSON API listing every queue with operator credentials', async () => {
    await api.queues.enqueue('operation.drive', { deploymentId: '611298765432109056' });
    const page = await api.request('GET', '/admin/queues', { headers: asOperator });
    expect(page.status, page.text).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.text).toContain('Backups queues');
    const asset = page.text.match(/src="([^"]+\.js)"/)?.[1];
    expect(asset, page.text).toBeDefined();
    // The page's assets are relative to its <base href>, under the board's path (and its auth).
    const base = page.text.match(/<base href="([^"]+)"/)?.[1] ?? '/';
    const assetUrl = new URL(asset ?? '', new URL(base, api.url));
    expect(assetUrl.pathname).toMatch(/^\/admin\/queues\/static\//);
    expect((await fetch(assetUrl)).status).toBe(401);
    const script = await fetch(assetUrl, { headers: asOperator });
    expect(script.status, assetUrl.href).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);

    const res = await api.request('GET', '/admin/queues/api/queues?activeQueue=operations&status=waiting', {
      headers: asOperator,
    });
    expect(res.status, res.text).toBe(200);
    const body = JSON.parse(res.text) as {
      queues: Array<{ name: string; readOnlyMode: boolean; counts: Record<string, number> }>;
    };
    expect(body.queues.map((q) => q.name).sort()).toEqual(['deletes', 'maintenance', 'operations']);
    expect(body.queues.every((q) => q.readOnlyMode)).toBe(true);
    expect(body.queues.find((q) => q.name === 'operations')?.counts.waiting).toBe(1);
  });

  it('read-only: refuses job actions (405) and leaves the queue untouched', async () => {
    const queue = api.queues.queue('deletes');
    await api.queues.enqueue('backup.delete', { backupId: '42' });
    const [job] = await queue.getJobs(['waiting']);
    expect(job).toBeDefined();
    const actions: Array<[string, string]> = [
      ['PUT', `/admin/queues/api/queues/deletes/${job?.id}/retry`],
      ['PUT', `/admin/queues/api/queues/deletes/${job?.id}/clean`],
      ['PUT', `/admin/queues/api/queues/deletes/${job?.id}/promote`],
      ['PUT', '/admin/queues/api/queues/deletes/retry/failed'],
      ['PUT', '/admin/queues/api/queues/deletes/clean/waiting'],
      ['PUT', '/admin/queues/api/queues/deletes/pause'],
      ['PUT', '/admin/queues/api/queues/deletes/empty'],
      ['PUT', '/admin/queues/api/queues/deletes/obliterate'],
      ['POST', '/admin/queues/api/queues/deletes/add'],
    ];
    for (const [method, path] of actions) {
      const res = await api.request(method, path, {
        headers: asOperator,
        body: { name: 'backup.delete', data: { backupId: '43' } },
      });
      expect(res.status, `${method} ${path}: ${res.text}`).toBe(405);
    }
    expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 1 });
    expect(await queue.isPaused()).toBe(false);
  });
});

const off = useApi();

describe('Bull Board without operator credentials', () => {
  it('is not mounted at all (404), with or without an Authorization header', async () => {
    for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
      const res = await off.request('GET', path, { headers: asOperator });
      expect(res.status, res.text).toBe(404);
    }
  });
});

describe('Bull Board security headers', () => {
  it('sends the CSP, nosniff, DENY framing and no-referrer on every response, refusals included', async () => {
    const page = await api.request('GET', '/admin/queues', { headers: asOperator });
    const asset = page.text.match(/src="([^"]+\.js)"/)?.[1] ?? '';
    const responses = [
      page,
      await api.request('GET', `/admin/queues/${asset}`, { headers: asOperator }),
      await api.request('GET', '/admin/queues/api/queues', { headers: asOperator }),
      await api.request('GET', '/admin/queues/api/queues'),
      await api.request('PUT', '/admin/queues/api/queues/deletes/pause', { headers: asOperator }),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 401, 405]);
    for (const res of responses) {
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("default-src 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
    // The page names no third-party origin (its font stylesheet is removed; the CSP forbids it).
    expect(page.text).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
  });
});

const writable = useApi({}, { bullBoard: { operator, readOnly: false } });

describe('Bull Board in write mode: cross-site requests cannot act on jobs', () => {
  const self = () => new URL(writable.url).origin;

  async function waitingJob(backupId: string) {
    await writable.queues.enqueue('backup.delete', { backupId });
    const job = (await writable.queues.queue('deletes').getJobs(['waiting'])).find(
      (j) => j.data.backupId === backupId,
    );
    expect(job).toBeDefined();
    return job?.id;
  }
  const waiting = async () => (await writable.queues.queue('deletes').getJobCounts('waiting')).waiting ?? 0;

  it('refuses 403 a change that is not provably same-origin, with valid operator credentials, and leaves the job', async () => {
    const id = await waitingJob('101');
    const before = await waiting();
    const clean = `/admin/queues/api/queues/deletes/${id}/clean`;
    const crossSite: Array<[string, string, Record<string, string>]> = [
      ['PUT', clean, { origin: 'https://attacker.example' }],
      ['PUT', clean, { origin: 'null' }],
      ['PUT', clean, { 'sec-fetch-site': 'cross-site', origin: self() }],
      ['PUT', clean, { 'sec-fetch-site': 'same-site' }],
      ['PUT', clean, { referer: 'https://attacker.example/page' }],
      // Nothing that names the origin: refused too.
      ['PUT', clean, {}],
      ['PUT', '/admin/queues/api/queues/deletes/retry/failed', { origin: 'https://attacker.example' }],
      ['PUT', '/admin/queues/api/queues/deletes/pause', { origin: 'https://attacker.example' }],
    ];
    for (const [method, path, headers] of crossSite) {
      const res = await writable.request(method, path, { headers: { ...asOperator, ...headers } });
      expectError(res, 403, 'forbidden');
    }
    expect(await waiting()).toBe(before);
    expect(await writable.queues.queue('deletes').isPaused()).toBe(false);
  });

  it('refuses a POST a cross-site form could send (a text/plain body shaped like JSON), even from this origin', async () => {
    const before = await waiting();
    for (const contentType of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const res = await writable.request('POST', '/admin/queues/api/queues/deletes/add', {
        headers: { ...asOperator, origin: self(), 'content-type': contentType },
        rawBody: JSON.stringify({ name: 'backup.delete', data: { backupId: '102' } }),
      });
      expectError(res, 403, 'forbidden');
    }
    expect(await waiting()).toBe(before);
  });

  it("accepts the UI's own requests: same-origin PUT without a body, and a JSON POST", async () => {
    const id = await waitingJob('103');
    const before = await waiting();
    const cleaned = await writable.request('PUT', `/admin/queues/api/queues/deletes/${id}/clean`, {
      headers: { ...asOperator, origin: self(), 'sec-fetch-site': 'same-origin' },
    });
    expect(cleaned.status, cleaned.text).toBeLessThan(300);
    expect(await waiting()).toBe(before - 1);
    // Without Sec-Fetch-Site (plain-HTTP hosts), Origin or Referer naming this host suffices.
    const added = await writable.request('POST', '/admin/queues/api/queues/deletes/add', {
      headers: { ...asOperator, origin: self() },
      body: { name: 'backup.delete', data: { backupId: '104' } },
    });
    expect(added.status, added.text).toBeLessThan(300);
    const paused = await writable.request('PUT', '/admin/queues/api/queues/deletes/pause', {
      headers: { ...asOperator, referer: `${self()}/admin/queues/queue/deletes` },
    });
    expect(paused.status, paused.text).toBeLessThan(300);
    expect(await writable.queues.queue('deletes').isPaused()).toBe(true);
    expect(await waiting()).toBe(before);
  });
});
