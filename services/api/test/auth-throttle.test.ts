import { randomBytes } from 'node:crypto';
import { parseJson } from '@backups/shared';
import { startTcpProxy, type TcpProxy, waitFor } from '@backups/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from '../src/app.js';
import { type PeerResponse, requestFrom } from './client-http.js';
import { capturedLogger, type Seeded, type ServedApp, seedTenant, serveTestApp, useApi } from './harness.js';

// Failed authentication is throttled per client address, counted in Redis:
// past the limit an address gets 429 before its credential is looked at.
// Each test calls from its own 127.0.0.N (all of 127/8 is loopback on Linux),
// so the counts of different tests never meet.

const LIMIT = 3;
const WINDOW_SECONDS = 60;
const operator = { user: 'ops', password: 'correct horse battery' };
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const { logger, lines } = capturedLogger('info');
const throttledLines = (address: string) =>
  lines
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((e) => e.address === address && /throttled/.test(String(e.msg)));

const api = useApi(
  { authFailureLimit: LIMIT, authFailureWindowSeconds: WINDOW_SECONDS },
  { logger, bullBoard: { operator, readOnly: true } },
);
/**
 * Another API process on the same database and Redis prefix (the counts are
 * shared), started for the enclosing describe; `settings` override the
 * throttle's LIMIT and WINDOW_SECONDS.
 */
function useSibling(
  settings: Partial<AppDeps['settings']> = {},
  opts: Parameters<typeof serveTestApp>[3] & { redisUrl?: () => string } = {},
): { readonly app: ServedApp } {
  let app: ServedApp | undefined;
  beforeAll(async () => {
    const { redisUrl, ...rest } = opts;
    app = await serveTestApp(
      api.db,
      { ...api.redis, url: redisUrl?.() ?? api.redis.url },
      { authFailureLimit: LIMIT, authFailureWindowSeconds: WINDOW_SECONDS, ...settings },
      { logger, ...rest },
    );
  });
  afterAll(async () => {
    await app?.close();
  });
  return {
    get app() {
      if (!app) throw new Error('a sibling app exists only inside tests');
      return app;
    },
  };
}

const sibling = useSibling();
/** Behind one trusted proxy: the rightmost X-Forwarded-For entry is the client. */
const behindProxy = useSibling({ trustProxyHops: 1 });
let t: Seeded;

beforeAll(async () => {
  t = await seedTenant(api.em());
});

const forgedKey = () => `ld_${randomBytes(24).toString('hex')}`;
const list = () => `/deployments/${t.deploymentId}/backups`;

function withKey(from: string, base: string, key: string, headers: Record<string, string> = {}) {
  return requestFrom(from, `${base}${list()}`, { headers: { 'ld-api-key': key, ...headers } });
}

function expectThrottled(res: PeerResponse): void {
  expect(res.status, res.text).toBe(429);
  const body = parseJson(res.text) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('rate_limited');
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
}

async function failLimitTimes(send: () => Promise<PeerResponse>): Promise<void> {
  for (let i = 0; i < LIMIT; i += 1) expect((await send()).status).toBe(401);
}

describe('failed tenant authentication, per client address', () => {
  it('answers 429 with Retry-After after the limit, to valid keys it has not verified too; other addresses are unaffected', async () => {
    const from = '127.0.0.2';
    await failLimitTimes(() => withKey(from, api.url, forgedKey()));
    expectThrottled(await withKey(from, api.url, forgedKey()));
    // A valid key this app has not found valid before (its key cache is off) waits too.
    expectThrottled(await withKey(from, api.url, t.key));
    // No header at all is a failure like any other, and is refused the same way now.
    expectThrottled(await requestFrom(from, `${api.url}${list()}`));

    expect((await withKey('127.0.0.3', api.url, t.key)).status).toBe(200);
    expect((await withKey('127.0.0.3', api.url, forgedKey())).status).toBe(401);
  });

  it('a success in between does not reset the count', async () => {
    const from = '127.0.0.4';
    for (let i = 0; i < LIMIT - 1; i += 1)
      expect((await withKey(from, api.url, forgedKey())).status).toBe(401);
    expect((await withKey(from, api.url, t.key)).status).toBe(200);
    expect((await withKey(from, api.url, forgedKey())).status).toBe(401);
    expectThrottled(await withKey(from, api.url, t.key));
  });

  it('is counted in Redis, so two API processes share the count', async () => {
    const from = '127.0.0.5';
    expect((await withKey(from, api.url, forgedKey())).status).toBe(401);
    expect((await withKey(from, sibling.app.url, forgedKey())).status).toBe(401);
    expect((await withKey(from, api.url, forgedKey())).status).toBe(401);
    expectThrottled(await withKey(from, sibling.app.url, t.key));
    expectThrottled(await withKey(from, api.url, t.key));
  });

  it('logs one line when an address becomes throttled, with the address and count, never the key', async () => {
    const from = '127.0.0.6';
    const keys = Array.from({ length: LIMIT + 3 }, forgedKey);
    for (const key of keys) await withKey(from, api.url, key);
    expectThrottled(await withKey(from, api.url, t.key));
    const logged = throttledLines(from);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 40 /* warn */, failures: LIMIT, scope: 'api-key' });
    const all = lines.join('\n');
    for (const secret of [...keys, t.key]) expect(all).not.toContain(secret.slice(3));
  });
});

describe('keys this process already found valid', () => {
  // With the key cache on (the harness turns it off elsewhere), as in production.
  const caching = useSibling({ authCacheTtlMs: 60_000 });

  it('keep working from a throttled address; guesses and keys not seen yet get 429', async () => {
    const from = '127.0.0.20';
    const other = await seedTenant(api.em());
    expect((await withKey(from, caching.app.url, t.key)).status).toBe(200);
    await failLimitTimes(() => withKey(from, caching.app.url, forgedKey()));
    expectThrottled(await withKey(from, caching.app.url, forgedKey()));
    // A NAT neighbour with a working key is not locked out by a broken client.
    expect((await withKey(from, caching.app.url, t.key)).status).toBe(200);
    // A valid key this process has not looked up yet could as well be a guess.
    expectThrottled(
      await requestFrom(from, `${caching.app.url}/deployments/${other.deploymentId}/backups`, {
        headers: { 'ld-api-key': other.key },
      }),
    );
  });
});

describe('client address behind proxies', () => {
  it('ignores X-Forwarded-For unless proxies are trusted', async () => {
    const from = '127.0.0.7';
    // Each attempt claims a different client; without trusted hops the peer is what counts.
    for (let i = 0; i < LIMIT; i += 1) {
      const res = await withKey(from, api.url, forgedKey(), { 'x-forwarded-for': `198.51.100.${i + 1}` });
      expect(res.status).toBe(401);
    }
    expectThrottled(await withKey(from, api.url, t.key, { 'x-forwarded-for': '198.51.100.200' }));
  });

  it('with one trusted hop, counts the rightmost forwarded address, not entries the client wrote', async () => {
    const proxy = '127.0.0.8';
    const client = '203.0.113.7';
    await failLimitTimes(() =>
      withKey(proxy, behindProxy.app.url, forgedKey(), { 'x-forwarded-for': client }),
    );
    expectThrottled(await withKey(proxy, behindProxy.app.url, t.key, { 'x-forwarded-for': client }));
    // A spoofed entry to the left of the proxy's own does not make a new client.
    expectThrottled(
      await withKey(proxy, behindProxy.app.url, t.key, { 'x-forwarded-for': `192.0.2.99, ${client}` }),
    );
    // IPv4-mapped IPv6 is the same client.
    expectThrottled(
      await withKey(proxy, behindProxy.app.url, t.key, { 'x-forwarded-for': `::ffff:${client}` }),
    );
    // Another client behind the same proxy is unaffected.
    expect(
      (await withKey(proxy, behindProxy.app.url, t.key, { 'x-forwarded-for': '203.0.113.8' })).status,
    ).toBe(200);
    expect(throttledLines(client)).toHaveLength(1);
  });
});

describe('IPv6 and IPv4-mapped peers', () => {
  // A dual-stack listener sees IPv4 callers as ::ffff:a.b.c.d; they count as the IPv4 address.
  const dualStack = useSibling({}, { hostname: '::' });

  it('counts an IPv4 caller of a dual-stack listener as its IPv4 address, and ::1 apart', async () => {
    const from = '127.0.0.13';
    const port = new URL(dualStack.app.url).port;
    await failLimitTimes(() => withKey(from, dualStack.app.url, forgedKey()));
    expectThrottled(await withKey(from, dualStack.app.url, t.key));
    // The same address through the IPv4-only app: one count, whichever listener saw it.
    expectThrottled(await withKey(from, api.url, t.key));
    expect(throttledLines(from)).toHaveLength(1);
    expect((await withKey('::1', `http://[::1]:${port}`, t.key)).status).toBe(200);
    await failLimitTimes(() => withKey('::1', `http://[::1]:${port}`, forgedKey()));
    expectThrottled(await withKey('::1', `http://[::1]:${port}`, t.key));
    expect(throttledLines('::1')).toHaveLength(1);
  });
});

describe('failed operator authentication (Bull Board)', () => {
  const board = (from: string, authorization?: string) =>
    requestFrom(from, `${api.url}/admin/queues/api/queues`, {
      headers: authorization ? { authorization } : {},
    });

  it('is throttled the same way, on its own count', async () => {
    const from = '127.0.0.9';
    // Tenant failures from this address do not spend the operator budget, nor the reverse.
    await failLimitTimes(() => withKey(from, api.url, forgedKey()));
    expect((await board(from, basic(operator.user, operator.password))).status).toBe(200);

    await failLimitTimes(() => board(from, basic(operator.user, 'not the password')));
    const refused = await board(from, basic(operator.user, operator.password));
    expectThrottled(refused);
    expect(refused.headers['www-authenticate']).toBeUndefined();
    expectThrottled(await requestFrom(from, `${api.url}/admin/queues`));

    expect((await board('127.0.0.10', basic(operator.user, operator.password))).status).toBe(200);
    expect(throttledLines(from).map((e) => e.scope)).toEqual(['api-key', 'operator']);
    // No line per failed attempt any more: only the one when the address was throttled.
    expect(lines.filter((l) => l.includes('operator authentication failed'))).toEqual([]);
    expect(lines.join('\n')).not.toContain('not the password');
  });
});

describe('window expiry', () => {
  // The only test that needs the window to end: a one-second window, and it waits for the state.
  const shortWindow = useSibling({ authFailureWindowSeconds: 1 });

  it('lets the address in again once the window has passed, and logs again in the next window', async () => {
    const from = '127.0.0.11';
    await failLimitTimes(() => withKey(from, shortWindow.app.url, forgedKey()));
    const refused = await withKey(from, shortWindow.app.url, t.key);
    expect(refused.status, refused.text).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    await waitFor(
      'the window to pass',
      async () => (await withKey(from, shortWindow.app.url, t.key)).status === 200,
    );
    expect(throttledLines(from)).toHaveLength(1);
    await waitFor('throttled again in a later window', async () => {
      await withKey(from, shortWindow.app.url, forgedKey());
      return throttledLines(from).length === 2;
    });
  });
});

describe('Redis away', () => {
  // Fail closed on both doors: a slow or absent Redis must not give a free run at credentials.
  let redisProxy: TcpProxy;
  beforeAll(async () => {
    const target = new URL(api.redis.url);
    redisProxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
  });
  // Registered before the app's, so it runs after it (hooks unwind like a stack).
  afterAll(async () => {
    await redisProxy?.close();
  });
  const throughProxy = useSibling(
    {},
    {
      bullBoard: { operator, readOnly: true },
      redisUrl: () => {
        const url = new URL(api.redis.url);
        url.port = String(redisProxy.port);
        return url.toString();
      },
    },
  );

  it('answers 503 on the tenant API and the operator board, and recovers', async () => {
    const from = '127.0.0.12';
    const boardAsOperator = () =>
      requestFrom(from, `${throughProxy.app.url}/admin/queues/api/queues`, {
        headers: { authorization: basic(operator.user, operator.password) },
      });
    // The queues report the cut connection as an error event; expected here, so not printed.
    for (const queue of throughProxy.app.queues.all()) queue.on('error', () => undefined);
    await redisProxy.cut();
    for (const res of [await withKey(from, throughProxy.app.url, forgedKey()), await boardAsOperator()]) {
      expect(res.status, res.text).toBe(503);
      expect((parseJson(res.text) as { error: { code: string } }).error.code).toBe('unavailable');
    }
    await redisProxy.restore();
    await waitFor('Redis back', async () => (await boardAsOperator()).status === 200);
    expect((await withKey(from, throughProxy.app.url, t.key)).status).toBe(200);
  });
});
