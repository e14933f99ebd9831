import { Writable } from 'node:stream';
import { createLogger } from '@backups/shared';
import { createOrm, type Orm } from '@backups/shared/db';
import { afterAll, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy, useTestDatabase } from '../../src/index.js';

// A pooled connection that breaks is reported by the pg driver as an 'error'
// event, which MikroORM only logs in debug mode; createOrm writes it to the JSON
// log as a warning (worded "Connection Error: ..." as under MikroORM 6 / knex).

const db = useTestDatabase();
let proxy: TcpProxy | undefined;
let orm: Orm | undefined;
afterAll(async () => {
  await orm?.close(true);
  await proxy?.close();
});

describe('createOrm logging', () => {
  it('writes the driver warning about a dropped connection as a JSON line of the given logger', async () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const url = new URL(db.url);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.port = String(proxy.port);
    orm = await createOrm({
      databaseUrl: url.toString(),
      poolMax: 1,
      logger: createLogger({ service: 'orm-test', level: 'info', pretty: false, destination }),
    });
    const connection = orm.em.fork().getConnection();
    await connection.execute('select 1');
    // The pooled connection dies under the pool; the next checkout finds it disposed.
    await proxy.cut();
    // The warning is written when the driver sees the socket close; wait for it, not for a fixed time.
    const isWarning = (l: Record<string, unknown>) => String(l.detail).startsWith('Connection Error');
    for (const deadline = Date.now() + 20_000; !lines.some(isWarning) && Date.now() < deadline; )
      await new Promise((r) => setTimeout(r, 20));
    await proxy.restore();
    await connection.execute('select 1');
    const warning = lines.find(isWarning);
    expect(warning, JSON.stringify(lines)).toMatchObject({
      service: 'orm-test',
      component: 'db',
      level: 40,
      msg: 'database driver warning',
    });
  });
});
