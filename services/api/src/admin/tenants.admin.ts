import type { Plan } from '@backups/shared';
import { type AdminSql, insertId } from './admin-sql.js';

export async function createTenant(
  sql: AdminSql,
  t: { name: string; plan: Plan; backupLimitOverride?: number | null },
): Promise<bigint> {
  return insertId(
    sql,
    'insert into tenants (name, plan, backup_limit_override) values (?, ?, ?) returning id',
    [t.name, t.plan, t.backupLimitOverride ?? null],
  );
}
