import type { EntityManager } from '@mikro-orm/postgresql';

// TEMPORARY, delete at merge: restores/upgrades code (another branch of this
// refactor) still imports these from @backups/shared/backups. That branch
// inserts through the ORM and imports insertOperation from
// @backups/shared/operations; once both are merged nothing uses this file.

export { insertOperation, type NewOperation } from '../operations/enqueue.js';

/** Runs an `insert … returning id` and gives the new id as bigint. */
export async function insertReturningId(em: EntityManager, sql: string, params: unknown[]): Promise<bigint> {
  const rows = await em.execute<Array<{ id: string }>>(sql, params);
  const id = rows[0]?.id;
  if (id === undefined) throw new Error(`insert returned no id: ${sql.slice(0, 60)}`);
  return BigInt(id);
}
