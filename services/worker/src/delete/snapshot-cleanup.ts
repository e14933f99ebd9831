import { type Ec2Adapter, MANAGED_BY_VALUE, TAG_BACKUP, TAG_MANAGED_BY } from '@backups/shared/ec2';

/**
 * Deletes every snapshot of a backup: the ones we recorded, and any carrying the
 * backup's tag that we never got to record (a crash between CreateSnapshots and
 * the write). Only snapshots tagged as ours are touched; already gone is fine.
 * Returns how many were deleted now.
 */
export async function deleteBackupSnapshots(
  ec2: Ec2Adapter,
  backupId: bigint,
  recordedSnapshotIds: readonly string[],
  guard: () => void = () => undefined,
): Promise<number> {
  const tagged = await ec2.findSnapshotsByTag(TAG_BACKUP, backupId.toString());
  const ours = new Set(
    tagged.filter((s) => s.tags[TAG_MANAGED_BY] === MANAGED_BY_VALUE).map((s) => s.snapshotId),
  );
  // Recorded ids that no longer show up by tag are either gone already or, if the
  // tag lookup lagged, deleted by id: they were created by us for this backup.
  for (const id of recordedSnapshotIds) ours.add(id);
  let deleted = 0;
  for (const id of ours) {
    guard();
    if (await ec2.deleteSnapshot(id)) deleted++;
  }
  return deleted;
}
