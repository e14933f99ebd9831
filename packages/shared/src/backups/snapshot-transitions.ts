import { type QueryResult, sql } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { NO_GUARD, type WriteGuard } from '../db/in-transaction.js';
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

/** Notes, before CreateSnapshots, that it is about to be asked for these volumes. */
export async function markCreateRequested(
  em: EntityManager,
  backupId: bigint,
  volumeIds: readonly string[],
  guard: WriteGuard = NO_GUARD,
): Promise<number> {
  if (volumeIds.length === 0) return 0;
  // Raw SQL: once per backup on the worker's hot path, where building the
  // statement with the QueryBuilder cost more CPU than running it.
  const result = await em.execute<QueryResult>(
    `update backup_snapshots set state_message = ?
      where backup_id = ? and volume_id in (?) and snapshot_id is null and ${guard.sql}`,
    [CREATE_REQUESTED, backupId, [...volumeIds], ...guard.params],
    'run',
  );
  return result.affectedRows;
}

/** Records the EC2 snapshot ids of a node's volumes (first writer wins); returns how many it recorded. */
export async function recordSnapshotIds(
  em: EntityManager,
  backupId: bigint,
  byVolume: ReadonlyMap<string, string>,
  guard: WriteGuard = NO_GUARD,
): Promise<number> {
  if (byVolume.size === 0) return 0;
  // jsonb_to_recordset: a different value per row, in one round trip.
  const result = await em.execute<QueryResult>(
    `update backup_snapshots b set snapshot_id = v.snapshot_id, state_message = null, updated_at = now()
       from jsonb_to_recordset(?::jsonb) as v(volume_id text, snapshot_id text)
      where b.backup_id = ? and b.volume_id = v.volume_id and b.snapshot_id is null and ${guard.sql}`,
    [
      JSON.stringify([...byVolume].map(([volume_id, snapshot_id]) => ({ volume_id, snapshot_id }))),
      backupId,
      ...guard.params,
    ],
    'run',
  );
  return result.affectedRows;
}

/** The recorded snapshots of a backup are gone from EC2 (its cleanup or delete ran). */
export function markSnapshotsDeleted(em: EntityManager, backupId: bigint): Promise<number> {
  return em.nativeUpdate(
    BackupSnapshotSchema,
    { backupId, snapshotId: { $ne: null } },
    { state: DELETED_SNAPSHOT_STATE, updatedAt: sql.now() },
  );
}
