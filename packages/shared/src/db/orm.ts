import { Migrator } from '@mikro-orm/migrations';
import { MikroORM, type Options, PostgreSqlDriver } from '@mikro-orm/postgresql';
import pg from 'pg';
import { ENTITIES } from './entities/index.js';
import { MIGRATIONS } from './migrations/index.js';

export type Orm = MikroORM;

export function ormOptions(opts: { databaseUrl: string; poolMax?: number; debug?: boolean }): Options {
  return {
    driver: PostgreSqlDriver,
    clientUrl: opts.databaseUrl,
    entities: ENTITIES,
    extensions: [Migrator],
    migrations: {
      migrationsList: MIGRATIONS,
      tableName: 'schema_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
    pool: { min: 0, max: opts.poolMax ?? 10 },
    forceUtcTimezone: true,
    // Every request and job must fork its own EntityManager; the global one is a trap.
    allowGlobalContext: false,
    debug: opts.debug ?? false,
    discovery: { warnWhenNoEntities: true },
  };
}

export async function createOrm(opts: {
  databaseUrl: string;
  poolMax?: number;
  debug?: boolean;
}): Promise<Orm> {
  return MikroORM.init(ormOptions(opts));
}

/** Creates the database named in the URL if it does not exist (for the quick start). */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(name)) throw new Error(`unsupported database name "${name}"`);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount) return false;
    await client.query(`create database "${name}"`);
    return true;
  } catch (err) {
    // Another process created it between our check and our create.
    if ((err as { code?: string }).code === '42P04') return false;
    throw err;
  } finally {
    await client.end();
  }
}
