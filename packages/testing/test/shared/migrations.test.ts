import type { Orm } from '@backups/shared/db';
import { createMigratingOrm, MIGRATIONS } from '@backups/shared/db/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyDatabase, databaseUrl, dropDatabase } from '../../src/index.js';

/** An empty database (no migrations) for the calling describe block, with an ORM on it. */
function useEmptyDatabase(): () => Orm {
  let name: string;
  let orm: Orm | undefined;
  beforeAll(async () => {
    name = await createEmptyDatabase();
    orm = await createMigratingOrm({ databaseUrl: databaseUrl(name), poolMax: 2 });
  });
  afterAll(async () => {
    await orm?.close(true);
    if (name) await dropDatabase(name);
  });
  return () => {
    if (!orm) throw new Error('the database is not ready');
    return orm;
  };
}

describe('migrations', () => {
  const db = useEmptyDatabase();
  const tables = async () =>
    (
      await db()
        .em.getConnection()
        .execute<{ tablename: string }[]>(
          "select tablename from pg_tables where schemaname = 'public' order by 1",
        )
    ).map((r) => r.tablename);

  it('apply on an empty database, roll back cleanly, and apply again', async () => {
    const migrator = db().migrator;
    const applied = await migrator.up();
    expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
    expect(await tables()).toEqual(
      expect.arrayContaining([
        'backups',
        'backup_snapshots',
        'deployments',
        'operations',
        'restores',
        'tenants',
      ]),
    );
    expect(await migrator.getPending()).toEqual([]);

    await migrator.down({ to: 0 });
    expect(await tables()).toEqual(['schema_migrations']);

    await migrator.up();
    expect(await tables()).toContain('backups');
    // The names are stored bare, as MikroORM 6 stored them (see the test below).
    const stored = await db()
      .em.getConnection()
      .execute<{ name: string }[]>('select name from schema_migrations order by id');
    expect(stored.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));
  });
});

describe('a database migrated by MikroORM 6', () => {
  const db = useEmptyDatabase();

  it('is seen as up to date: its schema_migrations table and rows are read as they are', async () => {
    // Exactly what MikroORM 6.6 created and wrote (from pg_dump of a database it migrated).
    const conn = db().em.getConnection();
    await conn.execute(`
      create table schema_migrations (
        id serial primary key,
        name character varying(255),
        executed_at timestamp with time zone default current_timestamp
      )`);
    for (const m of MIGRATIONS)
      await conn.execute('insert into schema_migrations (name) values (?)', [m.name]);

    const migrator = db().migrator;
    expect(await migrator.getPending()).toEqual([]);
    expect((await migrator.getExecuted()).map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
    expect(await migrator.up()).toEqual([]);
  });
});
