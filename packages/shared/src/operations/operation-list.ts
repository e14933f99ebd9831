import type { EntityManager } from '@mikro-orm/postgresql';
import { type Operation, OperationSchema } from './operation.entity.js';

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
