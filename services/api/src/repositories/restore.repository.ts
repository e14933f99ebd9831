import { ACTIVE_RESTORE_STATUSES, type Restore, RestoreSchema } from '@backups/shared/restores';
import type { EntityManager } from '@mikro-orm/postgresql';

/** Newest first. */
export async function listRestores(em: EntityManager, deploymentId: bigint): Promise<Restore[]> {
  return em.find(RestoreSchema, { deploymentId }, { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
}

export async function getRestore(
  em: EntityManager,
  deploymentId: bigint,
  restoreId: bigint,
): Promise<Restore | null> {
  return em.findOne(RestoreSchema, { id: restoreId, deploymentId });
}

export async function hasActiveRestore(em: EntityManager, deploymentId: bigint): Promise<boolean> {
  const n = await em.count(RestoreSchema, {
    deploymentId,
    status: { $in: [...ACTIVE_RESTORE_STATUSES] },
  });
  return n > 0;
}

export async function isBackupBeingRestored(em: EntityManager, backupId: bigint): Promise<boolean> {
  const n = await em.count(RestoreSchema, { backupId, status: { $in: [...ACTIVE_RESTORE_STATUSES] } });
  return n > 0;
}
