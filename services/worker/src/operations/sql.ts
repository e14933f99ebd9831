import type { QueryResult } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

export type Em = EntityManager;

// The drive loop and the step code speak SQL directly: each write is a
// conditional update whose WHERE clause is the point (fence, expected status),
// which reads more plainly as SQL than as ORM calls. `em.execute` runs inside
// the EntityManager's transaction when there is one.

export async function rows<T extends object>(
  em: Em,
  sql: string,
  params: readonly unknown[] = [],
): Promise<T[]> {
  return em.execute<T[]>(sql, [...params], 'all');
}

/** Runs a write and returns the number of rows it touched. */
export async function run(em: Em, sql: string, params: readonly unknown[] = []): Promise<number> {
  const result = await em.execute<QueryResult>(sql, [...params], 'run');
  return result.affectedRows;
}
