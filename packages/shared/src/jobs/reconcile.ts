import type { EntityManager } from '@mikro-orm/postgresql';
import { deletingBackupIds } from '../backups/backup-reads.js';
import { deploymentsWithUnfinishedOperations } from '../operations/operation-list.js';
import type { JobQueues } from './queues.js';

export interface ReconcileResult {
  drives: number;
  deletes: number;
}

/**
 * Re-sends the signal for everything Postgres holds as unfinished: a drive per
 * deployment with queued or running operations, a delete per backup stuck in
 * `deleting`. Safe at any time and any frequency: jobs are deduplicated per
 * deployment / backup, and a signal only makes a worker look. After Redis lost
 * its data (FLUSHALL, a failover without persistence) this alone brings every
 * operation to its end. The scheduler runs it periodically.
 */
export async function reconcile(deps: { em: EntityManager; queues: JobQueues }): Promise<ReconcileResult> {
  const deployments = await deploymentsWithUnfinishedOperations(deps.em);
  const deleting = await deletingBackupIds(deps.em);
  for (const id of deployments) await deps.queues.enqueue('operation.drive', { deploymentId: id.toString() });
  for (const id of deleting) await deps.queues.enqueue('backup.delete', { backupId: id.toString() });
  return { drives: deployments.length, deletes: deleting.length };
}
