import { raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { RestoreSchema } from './restore.entity.js';
import type { RestoreStatus } from './restore-statuses.js';

/** How many restores there are in each status (for a gauge). */
export async function countRestoresByStatus(
  em: EntityManager,
): Promise<Array<{ status: RestoreStatus; count: number }>> {
  const rows = await em
    .createQueryBuilder(RestoreSchema)
    // A count per group: em.count has no group by.
    .select(['status', raw('count(*)::int as n')])
    .groupBy('status')
    .execute<{ status: RestoreStatus; n: number }[]>('all');
  return rows.map((r) => ({ status: r.status, count: Number(r.n) }));
}
