import { type BackupStatus, lockBackup } from '@backups/shared/backups';
import type { EntityManager } from '@mikro-orm/postgresql';

/** The status of a backup of this deployment, row-locked for the transaction; null if absent. */
export async function lockBackupStatus(
  em: EntityManager,
  deploymentId: bigint,
  backupId: bigint,
): Promise<BackupStatus | null> {
  return (await lockBackup(em, deploymentId, backupId))?.status ?? null;
}
