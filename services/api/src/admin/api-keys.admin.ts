import type { Permission } from '@backups/shared';
import { generateApiKey } from '../auth/api-key.js';
import { type AdminSql, insertId, rowsOf } from './admin-sql.js';

/** Creates a key and returns its secret, which exists only in this return value: the database keeps its hash. */
export async function createApiKey(
  sql: AdminSql,
  k: { tenantId: bigint; name: string; permissions: Permission[]; expiresAt?: Date | null },
): Promise<{ id: bigint; secret: string; prefix: string }> {
  const { key, prefix, hash } = generateApiKey();
  const id = await insertId(
    sql,
    `insert into api_keys (tenant_id, name, key_prefix, key_hash, permissions, expires_at)
     values (?, ?, ?, ?, ?::text[], ?) returning id`,
    [k.tenantId, k.name, prefix, hash, `{${k.permissions.join(',')}}`, k.expiresAt ?? null],
  );
  return { id, secret: key, prefix };
}

/** Revokes a key; true if it existed and was not already revoked. */
export async function revokeApiKey(sql: AdminSql, id: bigint): Promise<boolean> {
  const rows = await rowsOf<{ id: string }>(
    sql,
    'update api_keys set revoked_at = now() where id = ? and revoked_at is null returning id',
    [id],
  );
  return rows.length > 0;
}
