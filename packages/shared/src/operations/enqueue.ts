import type { EntityManager } from '@mikro-orm/postgresql';
import { OperationSchema } from './operation.entity.js';
import type { OperationStatus } from './operation-statuses.js';

export type NewOperation = { deploymentId: bigint } & (
  | { kind: 'backup'; backupId: bigint }
  | { kind: 'restore'; restoreId: bigint; backupId: bigint }
  | { kind: 'upgrade'; upgradeId: bigint; backupId: bigint | null }
);

/**
 * Appends to the deployment's ordered operations log (status queued), inside
 * the caller's transaction. The id order is the request order the workers
 * drain one at a time.
 */
export async function insertOperation(em: EntityManager, op: NewOperation): Promise<bigint> {
  const operation = em.create(OperationSchema, {
    deploymentId: op.deploymentId,
    kind: op.kind,
    backupId: op.backupId,
    restoreId: op.kind === 'restore' ? op.restoreId : null,
    upgradeId: op.kind === 'upgrade' ? op.upgradeId : null,
    status: 'queued',
    leaseOwner: null,
    leaseExpiresAt: null,
    fence: 0n,
    attempts: 0,
    error: null,
    startedAt: null,
    finishedAt: null,
  });
  await em.flush();
  return operation.id;
}

/**
 * A data-modifying CTE body that queues one backup operation per row of
 * `source` (a CTE of the same statement returning the backup's `id` and its
 * `deployment_id`): insertOperation for backups inserted by that statement,
 * so a create can be one statement. The status goes in parameter `$param`.
 */
export function queueBackupOperationsOf(
  source: string,
  param: number,
): { sql: string; status: OperationStatus } {
  return {
    sql: `insert into operations (deployment_id, kind, backup_id, status)
          select s.deployment_id, 'backup', s.id, $${param} from ${source} s
          returning id`,
    status: 'queued',
  };
}
