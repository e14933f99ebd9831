import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { PLANS } from '../domain/enums.js';

export const TenantSchema = defineEntity({
  name: 'Tenant',
  tableName: 'tenants',
  properties: (p) => ({
    id: p.bigint('bigint').primary().autoincrement(),
    name: p.text(),
    plan: p.enum([...PLANS]),
    /** Negotiated backups-per-deployment limit; null means the plan's. */
    backupLimitOverride: p.integer().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  }),
});
export type Tenant = InferEntity<typeof TenantSchema>;
