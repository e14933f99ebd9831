import { type AdminSql, rowsOf } from './admin-sql.js';

/** Operations newest first (500 at most), as rows of printable cells. */
export async function listOperations(sql: AdminSql, deploymentId: bigint | null): Promise<string[][]> {
  const rows = await rowsOf<{
    id: string;
    deployment_id: string;
    kind: string;
    status: string;
    target: string;
    attempts: number;
    created_at: string;
    error: string | null;
  }>(
    sql,
    `select id, deployment_id, kind, status,
            coalesce('backup ' || backup_id, '') || coalesce(' restore ' || restore_id, '') || coalesce(' upgrade ' || upgrade_id, '') as target,
            attempts, created_at, error
       from operations
      where (?::bigint is null or deployment_id = ?::bigint)
      order by id desc limit 500`,
    [deploymentId, deploymentId],
  );
  return rows.map((r) => [
    r.id,
    r.deployment_id,
    r.kind,
    r.status,
    r.target.trim(),
    String(r.attempts),
    r.created_at,
    r.error ?? '',
  ]);
}
