/**
 * All the admin commands need from a database: raw SQL with `?` placeholders and
 * a transaction. MikroORM's EntityManager has this shape (tests, the local fleet's
 * seeding pass one); the CLI passes a single pg connection instead (pg-sql.ts),
 * because starting MikroORM alone takes longer than a whole CLI run may.
 */
export interface AdminSql {
  /** Rows of a query (not generic, so that EntityManager's own signature fits: see rowsOf). */
  execute(sql: string, params?: unknown[]): Promise<unknown>;
  transactional<T>(fn: (tx: AdminSql) => Promise<T>): Promise<T>;
}

/** A query's rows, typed as the caller says they are (as EntityManager.execute<T> does). */
export async function rowsOf<T>(sql: AdminSql, query: string, params: unknown[] = []): Promise<T[]> {
  return (await sql.execute(query, params)) as T[];
}

/**
 * Runs an `insert … returning id` and gives the new id as bigint. The same as
 * insertReturningId in @backups/shared/backups, which is typed for the ORM's
 * EntityManager and so cannot take the CLI's pg connection.
 */
export async function insertId(sql: AdminSql, query: string, params: unknown[]): Promise<bigint> {
  const rows = await rowsOf<{ id: string }>(sql, query, params);
  const id = rows[0]?.id;
  if (id === undefined) throw new Error(`insert returned no id: ${query.slice(0, 60)}`);
  return BigInt(id);
}
