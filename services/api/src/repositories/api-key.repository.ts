import type { Permission } from '@backups/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import { pgDateOrNull } from './pg-values.js';

export interface StoredApiKey {
  id: bigint;
  tenantId: bigint;
  permissions: Permission[];
  expiresAt: Date | null;
  revokedAt: Date | null;
}

interface Row {
  id: string;
  tenant_id: string;
  permissions: Permission[];
  expires_at: string | null;
  revoked_at: string | null;
}

export async function findApiKeyByHash(em: EntityManager, keyHash: string): Promise<StoredApiKey | null> {
  const rows = await em.execute<Row[]>(
    'select id, tenant_id, permissions, expires_at, revoked_at from api_keys where key_hash = ?',
    [keyHash],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: BigInt(row.id),
    tenantId: BigInt(row.tenant_id),
    permissions: row.permissions,
    expiresAt: pgDateOrNull(row.expires_at),
    revokedAt: pgDateOrNull(row.revoked_at),
  };
}

/** Records use for operators, at most once a minute per key, so hot keys do not turn reads into writes. */
export async function touchApiKeyLastUsed(em: EntityManager, id: bigint): Promise<void> {
  await em.execute(
    `update api_keys set last_used_at = now()
      where id = ? and (last_used_at is null or last_used_at < now() - interval '1 minute')`,
    [id],
  );
}
