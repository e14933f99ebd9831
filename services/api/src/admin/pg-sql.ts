import type { Client } from 'pg';
import type { AdminSql } from './admin-sql.js';

// The CLI's database: one plain pg connection, opened on the first query (a usage
// error never connects). MikroORM would cost ~0.5 s of start-up for raw SQL the
// CLI could send itself.

/** Date/time values come back as Postgres prints them, as MikroORM returns them to raw queries. */
const AS_TEXT = [1082, 1114, 1184, 1186]; // date, timestamp, timestamptz, interval

/**
 * MikroORM's `?` placeholders as pg's `$1, $2, ...`. A `?` inside a quoted string
 * or identifier is left alone; `??` (an identifier binding) is not supported, nor
 * are comments (the admin queries have none).
 */
export function toPgPlaceholders(sql: string): string {
  let out = '';
  let n = 0;
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const c = sql.charAt(i);
    if (quote) {
      if (c === quote) quote = null;
      out += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      out += c;
    } else if (c === '?') {
      if (sql.charAt(i + 1) === '?') throw new Error('?? bindings are not supported');
      out += `$${++n}`;
    } else {
      out += c;
    }
  }
  return out;
}

export interface ClosableSql extends AdminSql {
  close(): Promise<void>;
}

export function lazyPgSql(databaseUrl: string): ClosableSql {
  let client: Promise<Client> | null = null;
  let inTransaction = false;
  const connected = () => {
    client ??= (async () => {
      const { default: pg } = await import('pg');
      const types = new pg.TypeOverrides();
      for (const oid of AS_TEXT) types.setTypeParser(oid, (v: string) => v);
      const c = new pg.Client({ connectionString: databaseUrl, types });
      // A dropped connection fails the next query; unheard, its 'error' event would
      // kill the process mid-batch, before the lines already done are summed up.
      c.on('error', () => undefined);
      await c.connect();
      return c;
    })();
    return client;
  };
  const sql: ClosableSql = {
    async execute(query: string, params: unknown[] = []) {
      const c = await connected();
      return (await c.query(toPgPlaceholders(query), params)).rows;
    },
    // One connection, so a nested call simply joins the outer transaction.
    async transactional<T>(fn: (tx: AdminSql) => Promise<T>) {
      if (inTransaction) return fn(sql);
      const c = await connected();
      await c.query('begin');
      inTransaction = true;
      try {
        const result = await fn(sql);
        await c.query('commit');
        return result;
      } catch (err) {
        // If even the rollback fails (connection gone), the first error is the one to report.
        await c.query('rollback').catch(() => undefined);
        throw err;
      } finally {
        inTransaction = false;
      }
    },
    async close() {
      // A connection that never opened has nothing to close (its error was already reported).
      await client?.then(
        (c) => c.end(),
        () => undefined,
      );
    },
  };
  return sql;
}
