import type { JobQueues } from '@backups/shared/jobs';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Moves every backup past its `expires_at` to `deleting` and signals its
 * delete. A backup still pending or in progress waits until it settles; one
 * that an active restore reads from waits until that restore ends. The status
 * change is durable before the signal, so a lost signal is re-sent by the
 * reconciler (it re-drives every backup left in `deleting`).
 */
export async function expireBackups(
  em: EntityManager,
  queues: JobQueues,
  now = new Date(),
): Promise<string[]> {
  const rows = await em.getConnection().execute<{ id: string }[]>(
    `update backups b set status = 'deleting', updated_at = now()
      where b.status in ('completed', 'failed')
        and b.expires_at <= ?
        and not exists (
          select 1 from restores r where r.backup_id = b.id and r.status in ('pending', 'in_progress'))
      returning b.id::text as id`,
    [now],
  );
  const ids = rows.map((r) => r.id);
  for (const backupId of ids) await queues.enqueue('backup.delete', { backupId });
  return ids;
}
