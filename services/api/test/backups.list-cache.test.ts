import { parseJson } from '@backups/shared';
import { startTcpProxy, type TcpProxy, waitFor } from '@backups/testing';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Seeded, type ServedApp, seedBackup, seedTenant, serveTestApp, useApi } from './harness.js';

// Rendered backup lists are kept in memory between polls and dropped as
// changes commit (Postgres LISTEN/NOTIFY from migration 0007's triggers, and
// a Redis channel the API's own creates are announced on). These
// tests run two API processes' worth of apps on one database: what one writes,
// or any other writer (the worker's SQL here) commits, the next list from the
// other shows, with no waiting.

const api = useApi();
let other: ServedApp;
let t: Seeded;

beforeAll(async () => {
  other = await serveTestApp(api.db, api.redis);
  t = await seedTenant(api.em(), { plan: 'enterprise', backupLimitOverride: 100_000 });
});
afterAll(async () => {
  await other?.close();
});

interface Listed {
  id: number;
  status: string;
  progress: number | null;
  snapshot_ids: string[];
}

async function list(base: string, key = t.key, deploymentId = t.deploymentId): Promise<Listed[]> {
  const res = await fetch(`${base}/deployments/${deploymentId}/backups`, { headers: { 'ld-api-key': key } });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return parseJson(text) as Listed[];
}

async function create(base: string, name: string): Promise<number> {
  const res = await fetch(`${base}/deployments/${t.deploymentId}/backups`, {
    method: 'POST',
    headers: { 'ld-api-key': t.key, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  expect(res.status, await res.text()).toBe(204);
  return Number(res.headers.get('location')?.split('/').pop());
}

async function sql(text: string, values: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: api.db.url });
  await client.connect();
  try {
    await client.query(text, values);
  } finally {
    await client.end();
  }
}

describe('the backup list cache', () => {
  it('serves from memory: a change no trigger announces stays unseen until one that does', async () => {
    const id = await seedBackup(api.em(), t.deploymentId, { status: 'pending' });
    await list(other.url);
    expect(other.listCache.size).toBeGreaterThan(0);
    // Triggers do not fire in replica mode, so nothing announces this change.
    await sql(
      `begin; set local session_replication_role = replica; update backups set progress = 40 where id = $1; commit;`.replace(
        '$1',
        id.toString(),
      ),
    );
    expect((await list(other.url)).find((b) => b.id === Number(id))?.progress).toBeNull();
    await sql('update backups set progress = 41 where id = $1', [id]);
    expect((await list(other.url)).find((b) => b.id === Number(id))?.progress).toBe(41);
  });

  it('shows a create made through another process in the very next list, every time', async () => {
    for (let i = 0; i < 25; i++) {
      const before = await list(other.url);
      const created = await create(api.url, `b${i}`);
      const after = await list(other.url);
      expect(after.map((b) => b.id)).toContain(created);
      expect(after).toHaveLength(before.length + 1);
    }
  });

  it('shows what other writers commit: status, progress and snapshot rows', async () => {
    const id = await seedBackup(api.em(), t.deploymentId, { status: 'pending' });
    await list(other.url);
    await sql('update backups set progress = 55 where id = $1', [id]);
    expect((await list(other.url)).find((b) => b.id === Number(id))?.progress).toBe(55);
    await sql(
      `insert into backup_snapshots (backup_id, node_id, volume_id, device_name, volume_size_gib, volume_type, snapshot_id, state)
       values ($1, $2, 'vol-0cache00000000001', '/dev/sdf', 50, 'gp3', 'snap-0cache0000000001', 'pending')`,
      [id, t.nodeIds[0]],
    );
    expect((await list(other.url)).find((b) => b.id === Number(id))?.snapshot_ids).toEqual([
      'snap-0cache0000000001',
    ]);
    await sql(`update backups set status = 'deleted', deleted_at = now() where id = $1`, [id]);
    expect((await list(other.url)).map((b) => b.id)).not.toContain(Number(id));
  });

  it('never answers one tenant with a list it kept for another', async () => {
    await list(other.url);
    const stranger = await seedTenant(api.em());
    const res = await fetch(`${other.url}/deployments/${t.deploymentId}/backups`, {
      headers: { 'ld-api-key': stranger.key },
    });
    expect(res.status).toBe(404);
  });

  it('reads straight from Postgres while its change feed is down, and resumes once it is back', async () => {
    const id = await seedBackup(api.em(), t.deploymentId, { status: 'pending' });
    await list(other.url);
    await sql(`select pg_terminate_backend(pid) from pg_stat_activity
                where application_name = 'api-list-changes' and datname = current_database()`);
    // Whatever the feed missed while down is read from Postgres, never from memory.
    await sql('update backups set progress = 70 where id = $1', [id]);
    expect((await list(other.url)).find((b) => b.id === Number(id))?.progress).toBe(70);
    await waitFor('the change feed is back and lists are kept again', async () => {
      await list(other.url);
      return other.listCache.size > 0;
    });
    await sql('update backups set progress = 71 where id = $1', [id]);
    expect((await list(other.url)).find((b) => b.id === Number(id))?.progress).toBe(71);
  });

  it('waits for its change feed to catch up with the request before answering from memory', async () => {
    // A third process whose feed runs through a proxy the test can stall: a
    // change committed while the feed is held back must not be answered from memory.
    const { proxy, third } = await serveWithProxiedFeed('postgres');
    try {
      const id = await seedBackup(api.em(), t.deploymentId, { status: 'pending' });
      await list(third.url);
      expect(third.listCache.size).toBeGreaterThan(0);
      proxy.stall();
      await sql('update backups set progress = 90 where id = $1', [id]);
      expect((await list(third.url)).find((b) => b.id === Number(id))?.progress).toBe(90);
      // The quiet connection is dropped once a probe has waited 10 s; lists stay correct meanwhile.
      await waitFor('the quiet feed to be dropped', () => !third.listCache.isLive, 30_000);
      await sql('update backups set progress = 91 where id = $1', [id]);
      expect((await list(third.url)).find((b) => b.id === Number(id))?.progress).toBe(91);
    } finally {
      proxy.unstall();
      await third.close();
      await proxy.close();
    }
  });

  it('reads straight from Postgres while its Redis feed is down, and resumes once it has subscribed again', async () => {
    // A third process whose Redis feed runs through a proxy the test can cut:
    // creates announced while it is unsubscribed reach nobody.
    const { proxy, third } = await serveWithProxiedFeed('redis');
    try {
      await list(third.url);
      expect(third.listCache.size).toBeGreaterThan(0);
      await proxy.cut();
      await waitFor('the Redis feed has noticed', () => !third.listCache.isLive);
      await list(third.url);
      expect(third.listCache.size).toBe(0);
      const missed = await create(api.url, 'while-unsubscribed');
      expect((await list(third.url)).map((b) => b.id)).toContain(missed);
      await proxy.restore();
      await waitFor('the Redis feed is back and lists are kept again', async () => {
        await list(third.url);
        return third.listCache.size > 0;
      });
      const heard = await create(api.url, 'after-resubscribe');
      expect((await list(third.url)).map((b) => b.id)).toContain(heard);
    } finally {
      await third.close();
      await proxy.close();
    }
  });

  it('announces through Postgres when Redis refuses the PUBLISH, and keeps asking to SUBSCRIBE until allowed', async () => {
    // A Redis user with every command but no channel rights (Redis 7's default for a
    // new ACL user): PUBLISH and SUBSCRIBE get NOPERM, everything else works.
    const admin = new Redis(api.redis.url);
    const user = `no-channels-${process.pid}-${Date.now()}`;
    await admin.call('ACL', 'SETUSER', user, 'on', '>test-password', '~*', 'resetchannels', '+@all');
    const restrictedUrl = new URL(api.redis.url);
    restrictedUrl.username = user;
    restrictedUrl.password = 'test-password';
    const restricted = await serveTestApp(api.db, { ...api.redis, url: restrictedUrl.toString() });
    try {
      await list(other.url);
      expect(other.listCache.size).toBeGreaterThan(0);
      const created = await create(restricted.url, 'announced-through-postgres');
      expect((await list(other.url)).map((b) => b.id)).toContain(created);
      // Its own cache stays off (lists are read from Postgres) until it may subscribe.
      expect(restricted.listCache.isLive).toBe(false);
      await admin.call('ACL', 'SETUSER', user, 'allchannels');
      await waitFor('the refused feed to subscribe once allowed', () => restricted.listCache.isLive);
    } finally {
      await restricted.close();
      await admin.call('ACL', 'DELUSER', user);
      admin.disconnect();
    }
  });

  it('waits for its Redis feed to catch up with the request before answering from memory', async () => {
    // A third process whose Redis feed runs through a proxy the test can stall:
    // a create answered while the announcement is held back must still be listed.
    const { proxy, third } = await serveWithProxiedFeed('redis');
    try {
      await list(third.url);
      expect(third.listCache.size).toBeGreaterThan(0);
      proxy.stall();
      const created = await create(api.url, 'while-stalled');
      expect((await list(third.url)).map((b) => b.id)).toContain(created);
      // No error ever comes from a connection that went quiet: the feed drops it
      // itself once a probe has waited long enough (10 s), and reads Postgres meanwhile.
      await waitFor('the quiet feed to be dropped', () => !third.listCache.isLive, 30_000);
      expect((await list(third.url)).map((b) => b.id)).toContain(created);
    } finally {
      proxy.unstall();
      await third.close();
      await proxy.close();
    }
  });
});

/** Another API process whose list cache's Postgres or Redis feed runs through a proxy the test controls. */
async function serveWithProxiedFeed(
  feed: 'postgres' | 'redis',
): Promise<{ proxy: TcpProxy; third: ServedApp }> {
  const url = feed === 'postgres' ? api.db.url : api.redis.url;
  const target = new URL(url);
  const proxy = await startTcpProxy({
    host: target.hostname,
    port: Number(target.port || (feed === 'postgres' ? 5432 : 6379)),
  });
  const viaProxy = new URL(url);
  viaProxy.host = `127.0.0.1:${proxy.port}`;
  const opts =
    feed === 'postgres'
      ? { listChangesUrl: viaProxy.toString() }
      : { listChangesRedisUrl: viaProxy.toString() };
  return { proxy, third: await serveTestApp(api.db, api.redis, {}, opts) };
}
