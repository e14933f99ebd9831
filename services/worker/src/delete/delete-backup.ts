import type { Logger } from '@backups/shared';
import type { Ec2Regions } from '@backups/shared/ec2';
import { loadBackup, loadSnapshotRows, markSnapshotsDeleted } from '../backup/backup.repository.js';
import { type Em, run } from '../operations/sql.js';
import { deleteBackupSnapshots } from './snapshot-cleanup.js';

export type DeleteOutcome = 'deleted' | 'already_deleted' | 'not_deleting' | 'not_found';

/**
 * Deletes a backup the API marked `deleting`: every snapshot (already gone is
 * fine), then `deleted`. Not an ordered operation: it need not wait behind a
 * long backup of the same deployment. Safe to run twice or concurrently (both
 * runs delete the same snapshots and the final update is conditional).
 */
export async function deleteBackup(
  deps: { em: Em; ec2: Ec2Regions; log: Logger },
  backupId: bigint,
): Promise<DeleteOutcome> {
  const backup = await loadBackup(deps.em, backupId);
  if (!backup) return 'not_found';
  if (backup.status === 'deleted') return 'already_deleted';
  if (backup.status !== 'deleting') {
    deps.log.warn(
      { backupId: backupId.toString(), status: backup.status },
      'delete signal for a backup not marked deleting; ignored',
    );
    return 'not_deleting';
  }
  const snapshots = await loadSnapshotRows(deps.em, backupId);
  const recorded = snapshots.flatMap((s) => (s.snapshotId && s.state !== 'deleted' ? [s.snapshotId] : []));
  const deleted = await deleteBackupSnapshots(deps.ec2.forRegion(backup.region), backupId, recorded);
  await deps.em.transactional(async (tx) => {
    await markSnapshotsDeleted(tx, backupId);
    await run(
      tx,
      `update backups set status = 'deleted', deleted_at = now(), updated_at = now() where id = ? and status = 'deleting'`,
      [backupId.toString()],
    );
  });
  deps.log.info({ backupId: backupId.toString(), snapshotsDeleted: deleted }, 'backup deleted');
  return 'deleted';
}
