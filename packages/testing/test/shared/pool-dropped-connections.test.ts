import { createLogger } from '@backups/shared';
import { createOrm } from '@backups/shared/db';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startTcpProxy, useTestDatabase } from '../../src/index.js';

// A pooled connection that dies inside a transaction (Postgres terminated its
// backend, or the link went) must go back to createOrm's pool: Kysely releases
// a transaction's connection only once its COMMIT or ROLLBACK succeeds, which
// on a dead connection never happens. With one connection in the pool, a leak
// leaves none for the next query, and closing the pool would wait forever.

const db = useTestDatabase();
const silent = createLogger({ service: 'pool-test', level: 'silent', pretty: false });

/** Runs a transaction whose connection `breakIt` ends half-way; then the pool must have it back. */
async function transactionLosesItsConnection(
  databaseUrl: string,
  breakIt: (backendPid: number) => Promise<void>,
): Promise<void> {
  const orm = await createOrm({ databaseUrl, poolMax: 1, logger: silent });
  const pool = (await orm.em.getConnection().getNativeClient()) as pg.Pool;
  try {
    await expect(
      orm.em.fork().transactional(async (tx) => {
        const [own] = await tx.execute<{ pid: number }[]>('select pg_backend_pid() as pid');
        await breakIt(Number(own?.pid));
        await tx.execute('select 1');
      }),
    ).rejects.toThrow();
    // Waits for the state, with a guard only a leak reaches (a leaked connection never comes back).
    for (const deadline = Date.now() + 30_000; pool.totalCount !== pool.idleCount; ) {
      if (Date.now() > deadline) throw new Error('a connection is still checked out');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await orm.em.fork().execute('select 1 as one')).toEqual([{ one: 1 }]);
  } finally {
    await orm.close(true);
  }
}

describe('createOrm pool and connections that die mid-transaction', () => {
  it('a transaction whose backend Postgres terminates gives its connection back; the next query runs', async () => {
    const killer = new pg.Client({ connectionString: db.url });
    await killer.connect();
    try {
      await transactionLosesItsConnection(db.url, async (pid) => {
        await killer.query('select pg_terminate_backend($1)', [pid]);
      });
    } finally {
      await killer.end();
    }
  });

  it('a transaction whose link is cut gives its connection back; the next query runs once the link is back', async () => {
    const url = new URL(db.url);
    const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.port = String(proxy.port);
    try {
      await transactionLosesItsConnection(url.toString(), async () => {
        await proxy.cut();
        await proxy.restore();
      });
    } finally {
      await proxy.close();
    }
  });
});
