import type { RestoreStatus } from '@backups/shared';
import { type Em, rows, run } from '../operations/sql.js';
import { clientToken, type RestoreStep } from './restore-steps.js';

export interface RestoreRow {
  id: bigint;
  deploymentId: bigint;
  backupId: bigint;
  status: RestoreStatus;
  step: string | null;
  error: string | null;
}

/** One planned volume swap, with what the step code needs about its node and the original volume. */
export interface PlanRow {
  id: bigint;
  nodeId: bigint;
  instanceId: string;
  availabilityZone: string;
  device: string;
  snapshotId: string;
  originalVolumeId: string;
  clientToken: string;
  newVolumeId: string | null;
  sizeGib: number;
  volumeType: string;
  iops: number | null;
  throughput: number | null;
  encrypted: boolean;
  kmsKeyId: string | null;
}

export async function loadRestore(em: Em, id: bigint): Promise<RestoreRow | null> {
  const [r] = await rows<{
    deployment_id: string;
    backup_id: string;
    status: RestoreStatus;
    step: string | null;
    error: string | null;
  }>(em, 'select deployment_id::text, backup_id::text, status, step, error from restores where id = ?', [
    id.toString(),
  ]);
  if (!r) return null;
  return {
    id,
    deploymentId: BigInt(r.deployment_id),
    backupId: BigInt(r.backup_id),
    status: r.status,
    step: r.step,
    error: r.error,
  };
}

export async function loadPlan(em: Em, restoreId: bigint): Promise<PlanRow[]> {
  // The new volume copies the volume it replaces (type, iops, throughput,
  // encryption, KMS key), never smaller than the snapshot; the backup's record of
  // the snapshotted volume stands in if the original is no longer registered.
  const found = await rows<{
    id: string;
    node_id: string;
    instance_id: string;
    availability_zone: string;
    device_name: string;
    snapshot_id: string;
    original_volume_id: string;
    client_token: string;
    new_volume_id: string | null;
    size_gib: number;
    volume_type: string;
    iops: number | null;
    throughput: number | null;
    encrypted: boolean;
    kms_key_id: string | null;
  }>(
    em,
    `select rv.id::text, rv.node_id::text, n.instance_id, n.availability_zone, rv.device_name, rv.snapshot_id,
            rv.original_volume_id, rv.client_token, rv.new_volume_id,
            greatest(coalesce(v.size_gib, 0), bs.volume_size_gib) as size_gib,
            coalesce(v.volume_type, bs.volume_type) as volume_type,
            case when v.id is null then bs.iops else v.iops end as iops,
            case when v.id is null then bs.throughput else v.throughput end as throughput,
            (coalesce(v.encrypted, false) or bs.encrypted) as encrypted,
            coalesce(v.kms_key_id, bs.kms_key_id) as kms_key_id
       from restore_volumes rv
       join restores r on r.id = rv.restore_id
       join nodes n on n.id = rv.node_id
       join backup_snapshots bs on bs.backup_id = r.backup_id and bs.snapshot_id = rv.snapshot_id
       left join volumes v on v.volume_id = rv.original_volume_id
      where rv.restore_id = ?
      order by rv.id`,
    [restoreId.toString()],
  );
  return found.map((r) => ({
    id: BigInt(r.id),
    nodeId: BigInt(r.node_id),
    instanceId: r.instance_id,
    availabilityZone: r.availability_zone,
    device: r.device_name,
    snapshotId: r.snapshot_id,
    originalVolumeId: r.original_volume_id,
    clientToken: r.client_token,
    newVolumeId: r.new_volume_id,
    sizeGib: r.size_gib,
    volumeType: r.volume_type,
    iops: r.iops,
    throughput: r.throughput,
    encrypted: r.encrypted,
    kmsKeyId: r.kms_key_id,
  }));
}

/**
 * Writes the whole plan before any EC2 call: which snapshot goes to which
 * device of which node, replacing which volume. Returns a reason when the
 * backup cannot be restored onto the deployment as it is now.
 */
export async function writePlan(tx: Em, restore: RestoreRow): Promise<string | null> {
  const [backup] = await rows<{ status: string }>(tx, 'select status from backups where id = ?', [
    restore.backupId.toString(),
  ]);
  if (backup?.status !== 'completed')
    return `Backup ${restore.backupId} is ${backup?.status ?? 'missing'}; only completed backups can be restored.`;
  const candidates = await rows<{
    node_id: string;
    device_name: string;
    snapshot_id: string;
    current_volume_id: string | null;
  }>(
    tx,
    `select bs.node_id::text, bs.device_name, bs.snapshot_id, v.volume_id as current_volume_id
       from backup_snapshots bs
       join nodes n on n.id = bs.node_id and n.deployment_id = ?
       left join volumes v on v.node_id = bs.node_id and v.device_name = bs.device_name
      where bs.backup_id = ? and bs.state = 'completed' and bs.snapshot_id is not null
      order by bs.id`,
    [restore.deploymentId.toString(), restore.backupId.toString()],
  );
  if (candidates.length === 0)
    return `Backup ${restore.backupId} has no snapshots of this deployment's current nodes to restore.`;
  const orphan = candidates.find((c) => c.current_volume_id === null);
  if (orphan) {
    return `Node ${orphan.node_id} has no volume at ${orphan.device_name} any more, so snapshot ${orphan.snapshot_id} has nowhere to go. Re-register the deployment's volumes and try again.`;
  }
  for (const c of candidates) {
    await run(
      tx,
      `insert into restore_volumes (restore_id, node_id, device_name, snapshot_id, original_volume_id, client_token)
       values (?, ?, ?, ?, ?, ?) on conflict (restore_id, node_id, device_name) do nothing`,
      [
        restore.id.toString(),
        c.node_id,
        c.device_name,
        c.snapshot_id,
        c.current_volume_id,
        clientToken(restore.id, BigInt(c.node_id), c.device_name),
      ],
    );
  }
  await run(
    tx,
    `update restores set status = 'in_progress', started_at = now(), step = 'create_volumes', updated_at = now() where id = ? and status = 'pending'`,
    [restore.id.toString()],
  );
  await run(tx, `update deployments set status = 'restoring', updated_at = now() where id = ?`, [
    restore.deploymentId.toString(),
  ]);
  return null;
}

export async function setStep(tx: Em, restoreId: bigint, step: RestoreStep, error?: string): Promise<void> {
  await run(
    tx,
    `update restores set step = ?, error = coalesce(?, error), updated_at = now() where id = ? and status = 'in_progress'`,
    [step, error?.slice(0, 2000) ?? null, restoreId.toString()],
  );
}

export async function recordNewVolume(tx: Em, planRowId: bigint, volumeId: string): Promise<void> {
  await run(tx, 'update restore_volumes set new_volume_id = ? where id = ? and new_volume_id is null', [
    volumeId,
    planRowId.toString(),
  ]);
}

/** The swap is done: the nodes' volumes are the new ones; the deployment runs again. */
export async function completeRestore(tx: Em, restore: RestoreRow, plan: readonly PlanRow[]): Promise<void> {
  for (const p of plan) {
    await run(
      tx,
      'update volumes set volume_id = ? where node_id = ? and device_name = ? and volume_id = ?',
      [p.newVolumeId, p.nodeId.toString(), p.device, p.originalVolumeId],
    );
  }
  await run(
    tx,
    `update restores set status = 'completed', completed_at = now(), updated_at = now(),
            replaced_volume_ids = string_to_array(?, ','), new_volume_ids = string_to_array(?, ',')
      where id = ? and status = 'in_progress'`,
    // Volume ids never contain commas; a JS array binding would be expanded into a list.
    [
      plan.map((p) => p.originalVolumeId).join(','),
      plan.map((p) => p.newVolumeId ?? '').join(','),
      restore.id.toString(),
    ],
  );
  await run(tx, `update deployments set status = 'running', updated_at = now() where id = ?`, [
    restore.deploymentId.toString(),
  ]);
}

/** Ends a restore that did not happen: `failed` (nothing touched) or `rolled_back`; the deployment runs again. */
export async function endRestore(
  tx: Em,
  restore: RestoreRow,
  status: 'failed' | 'rolled_back',
  error: string,
): Promise<void> {
  await run(
    tx,
    `update restores set status = ?, error = ?, completed_at = now(), updated_at = now() where id = ? and status in ('pending', 'in_progress')`,
    [status, error.slice(0, 2000), restore.id.toString()],
  );
  await run(tx, `update deployments set status = 'running', updated_at = now() where id = ?`, [
    restore.deploymentId.toString(),
  ]);
}
