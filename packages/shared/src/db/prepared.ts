import type pg from 'pg';
import type { Orm } from './orm.js';

// The API's hottest statements (the backup list consoles poll, the create
// bursts of schedule storms and upgrades) run as named prepared statements on
// the pg pool under the ORM. MikroORM writes every parameter into the SQL
// text, so Postgres parses, analyses and plans each execution afresh; for
// these statements that cost more than running them. A named statement is
// parsed and planned once per pooled connection, then only bound and run.
// Same pool, same connections, same type parsers as the ORM's queries.

/** A statement prepared once per connection under its name; the name must be unique to the text. */
export interface PreparedStatement {
  name: string;
  text: string;
}

/** What runs a prepared statement: the pool (its own connection each time) or a transaction's client. */
export type PreparedRunner = Pick<pg.ClientBase, 'query'>;

export function preparedStatement(name: string, text: string): PreparedStatement {
  return { name, text };
}

/** The ORM's own pg pool. */
export async function nativePool(orm: Orm): Promise<pg.Pool> {
  return (await orm.em.getConnection().getNativeClient()) as pg.Pool;
}

/** Runs a prepared statement with `$1…` values (bigint is sent as its digits); its rows. */
export async function runPrepared<R extends object>(
  db: PreparedRunner,
  statement: PreparedStatement,
  values: readonly unknown[],
): Promise<R[]> {
  const result = await db.query<R>({ name: statement.name, text: statement.text, values: [...values] });
  return result.rows;
}

/**
 * BEGIN, `work` on one connection, COMMIT; ROLLBACK when `work` throws. A
 * connection whose ROLLBACK fails (the server dropped it) is discarded, not
 * handed back to the pool.
 */
export async function nativeTransaction<T>(
  pool: pg.Pool,
  work: (tx: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (err) {
    await client.query('rollback').catch((rollbackErr: Error) => {
      broken = rollbackErr;
    });
    throw err;
  } finally {
    client.release(broken);
  }
}
