import { sql } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Backup } from './backup.entity.js';
import { type BackupSnapshot, BackupSnapshotSchema } from './backup-snapshot.entity.js';
import { DELETED_SNAPSHOT_STATE } from './backup-statuses.js';

// A backup's snapshot rows: the plan, the EC2 ids, their progress, their end.
// The worker writes them on its hot path, so each write is one statement for
// the whole backup or batch, never one per snapshot.

// Written (and committed) before CreateSnapshots is called: a later attempt that
// finds it looks EC2 up by tag before creating, so a crash between EC2 creating
// the snapshots and us recording them never leads to duplicates.
export const CREATE_REQUESTED = 'CreateSnapshots requested';

/** A backup's snapshot rows in plan order. */
export function loadSnapshots(em: EntityManager, backupId: bigint): Promise<BackupSnapshot[]> {
  return em.find(BackupSnapshotSchema, { backupId }, { disableIdentityMap: true, orderBy: { id: 'asc' } });
}

/**
 * The plan: one row per data volume the backup covers (every node's, or the
 * one node's). Safe to repeat. Returns how many rows the backup has.
 */
export async function planSnapshots(
  em: EntityManager,
  backup: Pick<Backup, 'id' | 'deploymentId' | 'nodeId'>,
): Promise<number> {
  // insert … select … on conflict: the plan is copied from the volumes in one round trip.
  await em.execute(
    `insert into backup_snapshots
       (backup_id, node_id, volume_id, device_name, volume_size_gib, volume_type, iops, throughput, encrypted, kms_key_id)
     select ?, v.node_id, v.volume_id, v.device_name, v.size_gib, v.volume_type, v.iops, v.throughput, v.encrypted, v.kms_key_id
       from volumes v join nodes n on n.id = v.node_id
      where n.deployment_id = ? and (?::bigint is null or n.id = ?::bigint)
     on conflict (backup_id, volume_id) do nothing`,
    [backup.id, backup.deploymentId, backup.nodeId ?? null, backup.nodeId ?? null],
  );
  return em.count(BackupSnapshotSchema, { backupId: backup.id });
}

/** Notes, before CreateSnapshots, that it is about to be asked for these volumes. */
export async function markCreateRequested(
  em: EntityManager,
  backupId: bigint,
  volumeIds: readonly string[],
): Promise<number> {
  if (volumeIds.length === 0) return 0;
  return em.nativeUpdate(
    BackupSnapshotSchema,
    { backupId, volumeId: { $in: [...volumeIds] }, snapshotId: null },
    { stateMessage: CREATE_REQUESTED },
  );
}

/** True when an earlier attempt got as far as asking EC2 for this backup's snapshots. */
export async function createWasRequested(em: EntityManager, backupId: bigint): Promise<boolean> {
  const found = await em.findOne(
    BackupSnapshotSchema,
    { backupId, stateMessage: CREATE_REQUESTED },
    { disableIdentityMap: true, fields: ['id'] },
  );
  return found !== null;
}

/** Records the EC2 snapshot ids of a node's volumes (first writer wins). */
export async function recordSnapshotIds(
  em: EntityManager,
  backupId: bigint,
  byVolume: ReadonlyMap<string, string>,
): Promise<void> {
  if (byVolume.size === 0) return;
  // jsonb_to_recordset: a different value per row, in one round trip.
  await em.execute(
    `update backup_snapshots b set snapshot_id = v.snapshot_id, state_message = null, updated_at = now()
       from jsonb_to_recordset(?::jsonb) as v(volume_id text, snapshot_id text)
      where b.backup_id = ? and b.volume_id = v.volume_id and b.snapshot_id is null`,
    [JSON.stringify([...byVolume].map(([volume_id, snapshot_id]) => ({ volume_id, snapshot_id }))), backupId],
  );
}

/** The recorded snapshots of a backup are gone from EC2 (its cleanup or delete ran). */
export function markSnapshotsDeleted(em: EntityManager, backupId: bigint): Promise<number> {
  return em.nativeUpdate(
    BackupSnapshotSchema,
    { backupId, snapshotId: { $ne: null } },
    { state: DELETED_SNAPSHOT_STATE, updatedAt: sql.now() },
  );
}
