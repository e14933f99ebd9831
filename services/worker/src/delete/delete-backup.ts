import type { Logger } from '@backups/shared';
import { findBackup, loadSnapshots, markBackupDeleted } from '@backups/shared/backups';
import type { Ec2Regions } from '@backups/shared/ec2';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CrashPoint } from '../crash.js';
import { deleteBackupSnapshots } from './snapshot-cleanup.js';

export type DeleteOutcome = 'deleted' | 'already_deleted' | 'not_deleting' | 'not_found';

/**
 * Deletes a backup the API marked `deleting`: every snapshot (already gone is
 * fine), then `deleted`. Not an ordered operation: it need not wait behind a
 * long backup of the same deployment. Safe to run twice or concurrently (both
 * runs delete the same snapshots and the final transition is guarded).
 */
export async function deleteBackup(
  deps: { em: EntityManager; ec2: Ec2Regions; log: Logger; crashPoint?: (point: CrashPoint) => void },
  backupId: bigint,
): Promise<DeleteOutcome> {
  const backup = await findBackup(deps.em, backupId);
  if (!backup) return 'not_found';
  if (backup.status === 'deleted') return 'already_deleted';
  if (backup.status !== 'deleting') {
    deps.log.warn(
      { backupId: backupId.toString(), status: backup.status },
      'delete signal for a backup not marked deleting; ignored',
    );
    return 'not_deleting';
  }
  const snapshots = await loadSnapshots(deps.em, backupId);
  const recorded = snapshots.flatMap((s) => (s.snapshotId && s.state !== 'deleted' ? [s.snapshotId] : []));
  const deleted = await deleteBackupSnapshots(deps.ec2.forRegion(backup.region), backupId, recorded);
  deps.crashPoint?.('delete:after-delete-snapshots');
  await markBackupDeleted(deps.em, backupId);
  deps.crashPoint?.('delete:after-mark-deleted');
  deps.log.info({ backupId: backupId.toString(), snapshotsDeleted: deleted }, 'backup deleted');
  return 'deleted';
}
