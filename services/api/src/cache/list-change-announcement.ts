import type { Logger } from '@backups/shared';
import { listChangeAnnouncement } from '@backups/shared/db';
import type { Redis } from 'ioredis';
import type pg from 'pg';

/** The Redis channel the API's own creates are announced on; every API process's list cache subscribes. */
export function listChangeChannel(redisPrefix: string): string {
  return `${redisPrefix}:backup-list-changes`;
}

/**
 * Announces, after its COMMIT, that a create changed a deployment's backup
 * list, before the client is answered: the next list from any API process
 * then shows the backup (each one's cache syncs with this channel first).
 *
 * Through Redis rather than Postgres NOTIFY: Postgres commits notifying
 * transactions one at a time, which held creates spread over many deployments
 * well below what they reach without one. On the producer connection the
 * PUBLISH goes out in the same write as the create's job signal. Should Redis
 * refuse it, the announcement goes through Postgres after all, so a cache
 * still subscribed is never left holding the old list.
 */
export async function announceListChange(
  redis: Redis,
  redisPrefix: string,
  pool: pg.Pool,
  deploymentId: bigint,
  logger: Logger,
): Promise<void> {
  try {
    await redis.publish(listChangeChannel(redisPrefix), deploymentId.toString());
    return;
  } catch {
    // Announced through Postgres below.
  }
  try {
    await pool.query(listChangeAnnouncement(deploymentId));
  } catch (err) {
    logger.warn(
      { err: { message: (err as Error).message }, deploymentId: deploymentId.toString() },
      'backup list change not announced; other API processes may list it late (60 s at most)',
    );
  }
}
