import { raw, sql } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Permission } from '../domain/enums.js';
import { type ApiKey, ApiKeySchema } from './api-key.entity.js';
import { generateApiKey, hashApiKey } from './api-key-secret.js';

// The api_keys table's one owner: keys are created here (the secret exists only
// in createApiKey's return value), revoked here, looked up by hash here.

/** What a request's authentication needs of a key (the entity's fields, null where unset). */
export interface ResolvedApiKey extends Pick<ApiKey, 'id' | 'tenantId' | 'permissions'> {
  expiresAt: Date | null;
  revokedAt: Date | null;
}

/** Creates a key and returns its secret, which exists only in this return value: the database keeps its hash. */
export async function createApiKey(
  em: EntityManager,
  k: { tenantId: bigint; name: string; permissions: Permission[]; expiresAt?: Date | null },
): Promise<{ id: bigint; secret: string; prefix: string }> {
  const { key, prefix, hash } = generateApiKey();
  const created = em.create(ApiKeySchema, {
    tenantId: k.tenantId,
    name: k.name,
    keyPrefix: prefix,
    keyHash: hash,
    permissions: k.permissions,
    expiresAt: k.expiresAt ?? null,
  });
  await em.flush();
  return { id: created.id, secret: key, prefix };
}

/**
 * Makes a key whose secret the caller already knows valid (the local run's
 * well-known demo key): inserts it, or lifts its revocation and expiry.
 */
export async function ensureKnownApiKey(
  em: EntityManager,
  k: { tenantId: bigint; name: string; secret: string; permissions: Permission[] },
): Promise<void> {
  await em
    .createQueryBuilder(ApiKeySchema)
    .insert({
      tenantId: k.tenantId,
      name: k.name,
      keyPrefix: k.secret.slice(0, 8),
      keyHash: hashApiKey(k.secret),
      permissions: k.permissions,
    })
    .onConflict('keyHash')
    .merge({ revokedAt: null, expiresAt: null })
    .execute();
}

/** Revokes a key; true if it existed and was not already revoked. */
export async function revokeApiKey(em: EntityManager, id: bigint): Promise<boolean> {
  const n = await em.nativeUpdate(ApiKeySchema, { id, revokedAt: null }, { revokedAt: sql.now() });
  return n > 0;
}

export async function findApiKeyByHash(em: EntityManager, keyHash: string): Promise<ResolvedApiKey | null> {
  const key = await em.findOne(
    ApiKeySchema,
    { keyHash },
    { fields: ['tenantId', 'permissions', 'expiresAt', 'revokedAt'] },
  );
  if (!key) return null;
  // A plain object: callers cache it beyond the EntityManager's life.
  return {
    id: key.id,
    tenantId: key.tenantId,
    permissions: key.permissions,
    expiresAt: key.expiresAt ?? null,
    revokedAt: key.revokedAt ?? null,
  };
}

/** Records use for operators, at most once a minute per key, so hot keys do not turn reads into writes. */
export async function touchApiKeyLastUsed(em: EntityManager, id: bigint): Promise<void> {
  await em.nativeUpdate(
    ApiKeySchema,
    { id, $or: [{ lastUsedAt: null }, { lastUsedAt: { $lt: raw("now() - interval '1 minute'") } }] },
    { lastUsedAt: sql.now() },
  );
}
