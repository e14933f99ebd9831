import type { Writable } from 'node:stream';
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
 * A transaction in two round trips: BEGIN and the `statements` go out back to
 * back (pg's pipeline mode; none waits for the one before it), then `decide`
 * reads their results, and COMMIT follows, or ROLLBACK when a statement failed
 * or `decide` threw. The statements must not need each other's results in
 * JavaScript (they may in SQL: each runs after the one before it, in order,
 * on the server). A connection whose ROLLBACK fails (the server dropped it) is
 * discarded, not handed back to the pool.
 */
export async function pipelinedTransaction<S extends readonly unknown[], T>(
  pool: pg.Pool,
  statements: (tx: PreparedRunner) => { [K in keyof S]: Promise<S[K]> },
  decide: (results: S) => T,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    const results = await sendPipelined(client, () => [client.query('begin'), ...statements(client)]);
    const result = decide(results.slice(1) as unknown as S);
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

/**
 * Issues the statements in pipeline mode, in one socket write, and waits for
 * every one of them: the connection may leave pipeline mode only once nothing
 * is in flight. pg takes the mode from a property its Client reads at every
 * send and every answer; each statement corks and uncorks the socket itself,
 * so one cork around them all makes their writes one.
 */
async function sendPipelined(client: pg.PoolClient, send: () => Promise<unknown>[]): Promise<unknown[]> {
  const internals = client as unknown as { pipeline: boolean; connection: { stream: Writable } };
  internals.pipeline = true;
  let settled: PromiseSettledResult<unknown>[];
  try {
    const stream = internals.connection.stream;
    stream.cork();
    let sent: Promise<unknown>[];
    try {
      sent = send();
    } finally {
      stream.uncork();
    }
    settled = await Promise.allSettled(sent);
  } finally {
    internals.pipeline = false;
  }
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value);
}
