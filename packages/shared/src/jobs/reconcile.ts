import type { EntityManager } from '@mikro-orm/postgresql';
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
  const conn = deps.em.getConnection();
  const deployments = await conn.execute<{ deployment_id: string }[]>(
    `select distinct deployment_id::text from operations where status in ('queued', 'running')`,
  );
  const deleting = await conn.execute<{ id: string }[]>(
    `select id::text from backups where status = 'deleting'`,
  );
  for (const d of deployments)
    await deps.queues.enqueue('operation.drive', { deploymentId: d.deployment_id });
  for (const b of deleting) await deps.queues.enqueue('backup.delete', { backupId: b.id });
  return { drives: deployments.length, deletes: deleting.length };
}
