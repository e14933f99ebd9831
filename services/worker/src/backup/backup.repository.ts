import type { BackupStatus, SnapshotState } from '@backups/shared';
import { type Em, rows, run } from '../operations/sql.js';
import type { SnapshotRow, SnapshotUpdate } from './backup-progress.js';

export interface BackupRow {
  id: bigint;
  deploymentId: bigint;
  nodeId: bigint | null;
  status: BackupStatus;
  failureReason: string | null;
  region: string;
}

export async function loadBackup(em: Em, id: bigint): Promise<BackupRow | null> {
  const [r] = await rows<{
    deployment_id: string;
    node_id: string | null;
    status: BackupStatus;
    failure_reason: string | null;
    region: string;
  }>(
    em,
    'select deployment_id::text, node_id::text, status, failure_reason, region from backups where id = ?',
    [id.toString()],
  );
  if (!r) return null;
  return {
    id,
    deploymentId: BigInt(r.deployment_id),
    nodeId: r.node_id === null ? null : BigInt(r.node_id),
    status: r.status,
    failureReason: r.failure_reason,
    region: r.region,
  };
}

export async function loadSnapshotRows(em: Em, backupId: bigint): Promise<SnapshotRow[]> {
  const found = await rows<{
    id: string;
    node_id: string;
    volume_id: string;
    device_name: string;
    volume_size_gib: number;
    snapshot_id: string | null;
    state: SnapshotState;
    progress: number;
    size_bytes: string | null;
  }>(
    em,
    `select id::text, node_id::text, volume_id, device_name, volume_size_gib, snapshot_id, state, progress, size_bytes::text
       from backup_snapshots where backup_id = ? order by backup_snapshots.id`,
    [backupId.toString()],
  );
  return found.map((r) => ({
    id: BigInt(r.id),
    nodeId: BigInt(r.node_id),
    volumeId: r.volume_id,
    deviceName: r.device_name,
    volumeSizeGib: r.volume_size_gib,
    snapshotId: r.snapshot_id,
    state: r.state,
    progress: r.progress,
    sizeBytes: r.size_bytes === null ? null : BigInt(r.size_bytes),
  }));
}

/** pending → in_progress, and the plan: one row per data volume the backup covers. Returns the planned count. */
export async function startBackup(tx: Em, backup: BackupRow): Promise<number> {
  await run(
    tx,
    `update backups set status = 'in_progress', started_at = now(), updated_at = now() where id = ? and status = 'pending'`,
    [backup.id.toString()],
  );
  await run(
    tx,
    `insert into backup_snapshots
       (backup_id, node_id, volume_id, device_name, volume_size_gib, volume_type, iops, throughput, encrypted, kms_key_id)
     select ?, v.node_id, v.volume_id, v.device_name, v.size_gib, v.volume_type, v.iops, v.throughput, v.encrypted, v.kms_key_id
       from volumes v join nodes n on n.id = v.node_id
      where n.deployment_id = ? and (?::bigint is null or n.id = ?::bigint)
     on conflict (backup_id, volume_id) do nothing`,
    [
      backup.id.toString(),
      backup.deploymentId.toString(),
      backup.nodeId?.toString() ?? null,
      backup.nodeId?.toString() ?? null,
    ],
  );
  const [count] = await rows<{ n: number }>(
    tx,
    'select count(*)::int as n from backup_snapshots where backup_id = ?',
    [backup.id.toString()],
  );
  return count?.n ?? 0;
}

// Written (and committed) before CreateSnapshots is called: a later attempt that
// finds it looks EC2 up by tag before creating, so a crash between EC2 creating
// the snapshots and us recording them never leads to duplicates.
const CREATE_REQUESTED = 'CreateSnapshots requested';

export async function markCreateRequested(
  tx: Em,
  backupId: bigint,
  volumeIds: readonly string[],
): Promise<void> {
  if (volumeIds.length === 0) return;
  // One statement for the node's volumes (not one round trip per volume).
  await run(
    tx,
    `update backup_snapshots set state_message = ?
      where backup_id = ? and volume_id in (select jsonb_array_elements_text(?::jsonb)) and snapshot_id is null`,
    [CREATE_REQUESTED, backupId.toString(), JSON.stringify(volumeIds)],
  );
}

export async function createWasRequested(em: Em, backupId: bigint): Promise<boolean> {
  const found = await rows(
    em,
    'select 1 from backup_snapshots where backup_id = ? and state_message = ? limit 1',
    [backupId.toString(), CREATE_REQUESTED],
  );
  return found.length > 0;
}

export async function recordSnapshotIds(
  tx: Em,
  backupId: bigint,
  byVolume: ReadonlyMap<string, string>,
): Promise<void> {
  if (byVolume.size === 0) return;
  await run(
    tx,
    `update backup_snapshots b set snapshot_id = v.snapshot_id, state_message = null, updated_at = now()
       from jsonb_to_recordset(?::jsonb) as v(volume_id text, snapshot_id text)
      where b.backup_id = ? and b.volume_id = v.volume_id and b.snapshot_id is null`,
    [
      JSON.stringify([...byVolume].map(([volume_id, snapshot_id]) => ({ volume_id, snapshot_id }))),
      backupId.toString(),
    ],
  );
}

export async function applySnapshotUpdates(tx: Em, updates: readonly SnapshotUpdate[]): Promise<void> {
  if (updates.length === 0) return;
  await run(
    tx,
    `update backup_snapshots b
        set state = v.state, progress = v.progress, size_bytes = v.size_bytes::bigint,
            state_message = v.state_message, updated_at = now()
       from jsonb_to_recordset(?::jsonb) as v(id text, state text, progress smallint, size_bytes text, state_message text)
      where b.id = v.id::bigint`,
    [
      JSON.stringify(
        updates.map((u) => ({
          id: u.id.toString(),
          state: u.state,
          progress: u.progress,
          size_bytes: u.sizeBytes?.toString() ?? null,
          state_message: u.stateMessage,
        })),
      ),
    ],
  );
}

export async function recordFailureReason(tx: Em, backupId: bigint, reason: string): Promise<void> {
  await run(
    tx,
    `update backups set failure_reason = ?, updated_at = now() where id = ? and status = 'in_progress'`,
    [reason.slice(0, 2000), backupId.toString()],
  );
}

export async function completeBackup(tx: Em, backupId: bigint, sizeBytes: bigint): Promise<void> {
  await run(
    tx,
    `update backups set status = 'completed', completed_at = now(), size_bytes = ?, updated_at = now()
      where id = ? and status = 'in_progress'`,
    [sizeBytes.toString(), backupId.toString()],
  );
}

export async function failBackup(tx: Em, backupId: bigint): Promise<void> {
  await markSnapshotsDeleted(tx, backupId);
  await run(
    tx,
    `update backups set status = 'failed', updated_at = now() where id = ? and status = 'in_progress'`,
    [backupId.toString()],
  );
}

export async function markSnapshotsDeleted(tx: Em, backupId: bigint): Promise<void> {
  await run(
    tx,
    `update backup_snapshots set state = 'deleted', updated_at = now() where backup_id = ? and snapshot_id is not null`,
    [backupId.toString()],
  );
}

export async function nodeInstances(em: Em, nodeIds: readonly bigint[]): Promise<Map<bigint, string>> {
  if (nodeIds.length === 0) return new Map();
  const found = await rows<{ id: string; instance_id: string }>(
    em,
    `select id::text, instance_id from nodes where id in (${nodeIds.map(() => '?').join(', ')})`,
    nodeIds.map(String),
  );
  return new Map(found.map((r) => [BigInt(r.id), r.instance_id]));
}
