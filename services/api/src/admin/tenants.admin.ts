import type { Plan } from '@backups/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import { insertReturningId } from '../repositories/pg-values.js';

export async function createTenant(
  em: EntityManager,
  t: { name: string; plan: Plan; backupLimitOverride?: number | null },
): Promise<bigint> {
  return insertReturningId(
    em,
    'insert into tenants (name, plan, backup_limit_override) values (?, ?, ?) returning id',
    [t.name, t.plan, t.backupLimitOverride ?? null],
  );
}
