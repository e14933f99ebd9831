import type { EntityManager } from '@mikro-orm/postgresql';

// MikroORM leaves timestamptz as text in raw results ('2025-01-15 10:30:00.5+00'),
// so raw rows are converted here, once.

export function pgDate(value: string | Date): Date {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`unparseable timestamp from Postgres: ${String(value)}`);
  return date;
}

export function pgDateOrNull(value: string | Date | null): Date | null {
  return value === null ? null : pgDate(value);
}

/** Runs an `insert … returning id` and gives the new id as bigint. */
export async function insertReturningId(em: EntityManager, sql: string, params: unknown[]): Promise<bigint> {
  const rows = await em.execute<Array<{ id: string }>>(sql, params);
  const id = rows[0]?.id;
  if (id === undefined) throw new Error(`insert returned no id: ${sql.slice(0, 60)}`);
  return BigInt(id);
}
