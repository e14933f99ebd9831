import type { EntityManager } from '@mikro-orm/postgresql';
import { insertReturningId } from './pg-values.js';

/**
 * Appends to the deployment's ordered operations log (status queued). The id
 * order is the request order the workers drain one at a time.
 */
export async function insertOperation(
  em: EntityManager,
  op: { deploymentId: bigint } & (
    | { kind: 'backup'; backupId: bigint }
    | { kind: 'restore'; restoreId: bigint; backupId: bigint }
  ),
): Promise<bigint> {
  return insertReturningId(
    em,
    `insert into operations (deployment_id, kind, backup_id, restore_id, status)
     values (?, ?, ?, ?, 'queued') returning id`,
    [op.deploymentId, op.kind, op.backupId, op.kind === 'restore' ? op.restoreId : null],
  );
}
