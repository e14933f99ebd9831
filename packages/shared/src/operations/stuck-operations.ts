import { raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { OperationSchema } from './operation.entity.js';
import {
  type OperationKind,
  type OperationStatus,
  UNFINISHED_OPERATION_STATUSES,
} from './operation-statuses.js';

/** An operation unfinished for too long, as an operator's log line and metric see it. */
export interface StuckOperation {
  id: string;
  deploymentId: string;
  kind: OperationKind;
  status: OperationStatus;
  ageSeconds: number;
}

/**
 * Operations unfinished for longer than `bound`: a snapshot of terabytes can
 * take hours, so this is a signal for an operator (log + metric), never an
 * automatic failure. Ages are on Postgres's clock, like the leases.
 */
export async function findStuckOperations(em: EntityManager, boundMs: number): Promise<StuckOperation[]> {
  const rows = await em
    .createQueryBuilder(OperationSchema)
    .select([
      'id',
      'deploymentId',
      'kind',
      'status',
      raw('extract(epoch from now() - coalesce(started_at, created_at))::int as age_seconds'),
    ])
    .where({ status: { $in: [...UNFINISHED_OPERATION_STATUSES] } })
    .andWhere(raw('coalesce(started_at, created_at) < now() - make_interval(secs => ?)', [boundMs / 1000]))
    .orderBy({ id: 'asc' })
    .limit(1000)
    .execute<
      {
        id: bigint | string;
        deploymentId: bigint | string;
        kind: OperationKind;
        status: OperationStatus;
        age_seconds: number;
      }[]
    >('all');
  return rows.map((r) => ({
    id: String(r.id),
    deploymentId: String(r.deploymentId),
    kind: r.kind,
    status: r.status,
    ageSeconds: Number(r.age_seconds),
  }));
}
