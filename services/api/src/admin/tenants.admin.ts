import type { Plan } from '@backups/shared';
import { insertReturningId } from '@backups/shared/backups';
import type { EntityManager } from '@mikro-orm/postgresql';

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
