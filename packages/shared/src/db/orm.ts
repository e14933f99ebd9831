import { MikroORM, type Options, PostgreSqlDriver } from '@mikro-orm/postgresql';
import pg from 'pg';
import { createLogger, type Logger } from '../logging/logger.js';
import { releaseEndedConnections } from './dropped-connections.js';
import { ENTITIES } from './entities.js';

export type Orm = MikroORM;

export interface OrmOptions {
  databaseUrl: string;
  poolMax?: number;
  debug?: boolean;
  /** Where the ORM's and the driver's own messages go; a JSON logger of its own when omitted. */
  logger?: Logger;
}

export function ormOptions(opts: OrmOptions): Options {
  const log = (opts.logger ?? createLogger({ service: 'db', level: 'info', pretty: false })).child({
    component: 'db',
  });
  return {
    driver: PostgreSqlDriver,
    clientUrl: opts.databaseUrl,
    entities: ENTITIES,
    pool: { min: 0, max: opts.poolMax ?? 10 },
    forceUtcTimezone: true,
    // Every request and job must fork its own EntityManager; the global one is a trap.
    allowGlobalContext: false,
    debug: opts.debug ?? false,
    logger: (message) => log.debug(message),
    // Options of the pg.Pool (MikroORM 7 dropped knex).
    driverOptions: {
      // knex gave up waiting for a pooled connection after 60 s (KnexTimeoutError);
      // pg.Pool waits forever unless told. Fails with "timeout exceeded when trying to connect".
      connectionTimeoutMillis: 60_000,
      // A pooled connection the server or network drops emits an 'error' event on
      // its pg client, which MikroORM only logs in debug mode: report it as a
      // warning in the JSON log, worded as knex did under MikroORM 6.
      onPoolCreated: (pool: pg.Pool) => {
        pool.on('connect', (client) => {
          client.on('error', (err) =>
            log.warn({ detail: `Connection Error: ${String(err)}` }, 'database driver warning'),
          );
        });
        // A dropped connection would otherwise stay checked out for good (see there).
        releaseEndedConnections(pool);
      },
    },
    discovery: { warnWhenNoEntities: true },
  };
}

/** An ORM for a service: no migrations (see migrator.ts for what applies the schema). */
export async function createOrm(opts: OrmOptions, more: Partial<Options> = {}): Promise<Orm> {
  const orm = await MikroORM.init({ ...ormOptions(opts), ...more });
  // MikroORM 7 connects lazily; connecting here keeps 6.x's start-up behaviour:
  // an unreachable database fails createOrm instead of the first query.
  await orm.connect();
  return orm;
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
