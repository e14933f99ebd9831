import type { EntityManager } from '@mikro-orm/postgresql';
import type { Plan } from '../domain/enums.js';
import { TenantSchema } from './tenant.entity.js';

/** Adds a tenant; returns its id. */
export async function createTenant(
  em: EntityManager,
  t: { name: string; plan: Plan; backupLimitOverride?: number | null },
): Promise<bigint> {
  const tenant = em.create(TenantSchema, {
    name: t.name,
    plan: t.plan,
    backupLimitOverride: t.backupLimitOverride ?? null,
  });
  await em.flush();
  return tenant.id;
}
