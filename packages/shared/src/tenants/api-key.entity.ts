import { defineEntity, type InferEntity } from '@mikro-orm/core';
import type { Permission } from '../domain/enums.js';

export const ApiKeySchema = defineEntity({
  name: 'ApiKey',
  tableName: 'api_keys',
  properties: (p) => ({
    id: p.bigint('bigint').primary().autoincrement(),
    tenantId: p.bigint('bigint'),
    name: p.text(),
    /** First characters of the key, for operators to recognise it; not secret, not unique. */
    keyPrefix: p.text(),
    /** SHA-256 (hex) of the whole key. The key itself is never stored. */
    keyHash: p.text().unique(),
    permissions: p.array<Permission>(),
    expiresAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
    lastUsedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  }),
});
export type ApiKey = InferEntity<typeof ApiKeySchema>;
