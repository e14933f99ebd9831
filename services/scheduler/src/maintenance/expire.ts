import { markExpiredDeleting } from '@backups/shared/backups';
import type { JobQueues } from '@backups/shared/jobs';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CrashHook } from '../crash.js';

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
  crashPoint: CrashHook = () => undefined,
): Promise<string[]> {
  const ids = (await markExpiredDeleting(em, now)).map(String);
  if (ids.length) crashPoint('expire:after-mark');
  for (const [i, backupId] of ids.entries()) {
    await queues.enqueue('backup.delete', { backupId });
    if (i === 0) crashPoint('expire:after-first-signal');
  }
  return ids;
}
