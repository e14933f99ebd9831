import type { QueryResult } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

export type Em = EntityManager;

// Raw SQL helpers for the step code whose writes have not yet moved to their
// tables' owners in @backups/shared (the drive loop and the leases no longer
// use them); delete this file once nothing imports it. `em.execute` runs inside
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
