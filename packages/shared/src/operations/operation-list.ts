import type { EntityManager } from '@mikro-orm/postgresql';
import { type Operation, OperationSchema } from './operation.entity.js';
import { UNFINISHED_OPERATION_STATUSES } from './operation-statuses.js';

/** What an operator's listing shows of an operation. */
export type ListedOperation = Pick<
  Operation,
  | 'id'
  | 'deploymentId'
  | 'kind'
  | 'status'
  | 'backupId'
  | 'restoreId'
  | 'upgradeId'
  | 'attempts'
  | 'createdAt'
  | 'error'
>;

/** Operations newest first (500 at most), of one deployment or of all. */
export async function listOperations(
  em: EntityManager,
  deploymentId: bigint | null,
): Promise<ListedOperation[]> {
  return em.find(OperationSchema, deploymentId === null ? {} : { deploymentId }, {
    fields: [
      'id',
      'deploymentId',
      'kind',
      'status',
      'backupId',
      'restoreId',
      'upgradeId',
      'attempts',
      'createdAt',
      'error',
    ],
    orderBy: { id: 'desc' },
    limit: 500,
  });
}

/** Deployments whose log holds an operation still queued or running (what the reconciler re-drives). */
export async function deploymentsWithUnfinishedOperations(em: EntityManager): Promise<bigint[]> {
  const rows = await em
    .createQueryBuilder(OperationSchema)
    .select('deploymentId', true)
    .where({ status: { $in: [...UNFINISHED_OPERATION_STATUSES] } })
    .execute<{ deploymentId: bigint | string }[]>('all');
  return rows.map((r) => BigInt(r.deploymentId));
}
