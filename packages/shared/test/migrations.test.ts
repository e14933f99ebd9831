import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../src/db/migrations/index.js';
import { createOrm, type Orm } from '../src/db/orm.js';
import { createEmptyDatabase, databaseUrl, dropDatabase } from '../src/testing/index.js';

describe('migrations', () => {
  let name: string;
  let orm: Orm;
  const tables = async () =>
    (
      await orm.em
        .getConnection()
        .execute<{ tablename: string }[]>(
          "select tablename from pg_tables where schemaname = 'public' order by 1",
        )
    ).map((r) => r.tablename);

  beforeAll(async () => {
    name = await createEmptyDatabase();
    orm = await createOrm({ databaseUrl: databaseUrl(name), poolMax: 2 });
  });
  afterAll(async () => {
    await orm?.close(true);
    if (name) await dropDatabase(name);
  });

  it('apply on an empty database, roll back cleanly, and apply again', async () => {
    const migrator = orm.migrator;
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
  });
});
