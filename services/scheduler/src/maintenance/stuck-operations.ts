import type { EntityManager } from '@mikro-orm/postgresql';

export interface StuckOperation {
  id: string;
  deploymentId: string;
  kind: string;
  status: string;
  ageSeconds: number;
}

/**
 * Operations unfinished for longer than `bound`: a snapshot of terabytes can
 * take hours, so this is a signal for an operator (log + metric), never an
 * automatic failure.
 */
export async function findStuckOperations(em: EntityManager, boundMs: number): Promise<StuckOperation[]> {
  const rows = await em
    .getConnection()
    .execute<{ id: string; deployment_id: string; kind: string; status: string; age_seconds: number }[]>(
      `select id::text, deployment_id::text, kind, status,
            extract(epoch from now() - coalesce(started_at, created_at))::int as age_seconds
       from operations
      where status in ('queued', 'running')
        and coalesce(started_at, created_at) < now() - make_interval(secs => ?)
      order by id
      limit 1000`,
      [boundMs / 1000],
    );
  return rows.map((r) => ({
    id: r.id,
    deploymentId: r.deployment_id,
    kind: r.kind,
    status: r.status,
    ageSeconds: Number(r.age_seconds),
  }));
}
