import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BackupSchema } from '../backups/backup.entity.js';
import { BackupSnapshotSchema } from '../backups/backup-snapshot.entity.js';
import type { SnapshotState } from '../backups/backup-statuses.js';
import { NodeSchema } from '../deployments/node.entity.js';
import { VolumeSchema } from '../deployments/volume.entity.js';
import type { Restore } from './restore.entity.js';
import { RestoreVolumeSchema } from './restore-volume.entity.js';

// What a restore swaps: read from the backup and the deployment tree when the
// restore begins (the plan), and read back, with what each step needs about the
// node and the volume it replaces, at every step after.

/** A CreateVolume idempotency token (≤ 64 ASCII chars) that is the same for the same planned volume. */
export function clientToken(restoreId: bigint, nodeId: bigint, device: string): string {
  return `rs-${createHash('sha256').update(`${restoreId}:${nodeId}:${device}`).digest('hex').slice(0, 40)}`;
}

/** One planned swap before it is written: a snapshot back to the device of a node, replacing its volume. */
export interface PlannedSwap {
  nodeId: bigint;
  deviceName: string;
  snapshotId: string;
  originalVolumeId: string;
}

const USABLE_SNAPSHOT: SnapshotState = 'completed';

/**
 * The swaps that restore the backup onto the deployment as it is now, or why
 * it cannot be restored: only completed snapshots of the deployment's current
 * nodes, each onto the volume now at its device.
 */
export async function planRestore(
  em: EntityManager,
  restore: Pick<Restore, 'deploymentId' | 'backupId'>,
): Promise<{ swaps: PlannedSwap[] } | { problem: string }> {
  const backup = await em.findOne(BackupSchema, { id: restore.backupId }, { fields: ['status'] });
  if (backup?.status !== 'completed')
    return {
      problem: `Backup ${restore.backupId} is ${backup?.status ?? 'missing'}; only completed backups can be restored.`,
    };
  const snapshots = await em.find(
    BackupSnapshotSchema,
    { backupId: restore.backupId, state: USABLE_SNAPSHOT, snapshotId: { $ne: null } },
    { orderBy: { id: 'asc' } },
  );
  const nodeIds = [...new Set(snapshots.map((s) => s.nodeId))];
  const nodes =
    nodeIds.length === 0
      ? []
      : await em.find(
          NodeSchema,
          { id: { $in: nodeIds }, deploymentId: restore.deploymentId },
          { fields: ['id'] },
        );
  const current = new Set(nodes.map((n) => n.id));
  const candidates = snapshots.filter((s) => current.has(s.nodeId));
  if (candidates.length === 0)
    return {
      problem: `Backup ${restore.backupId} has no snapshots of this deployment's current nodes to restore.`,
    };
  const volumes = await em.find(VolumeSchema, { nodeId: { $in: [...current] } });
  const swaps: PlannedSwap[] = [];
  for (const s of candidates) {
    const volume = volumes.find((v) => v.nodeId === s.nodeId && v.deviceName === s.deviceName);
    if (!volume)
      return {
        problem: `Node ${s.nodeId} has no volume at ${s.deviceName} any more, so snapshot ${s.snapshotId} has nowhere to go. Re-register the deployment's volumes and try again.`,
      };
    swaps.push({
      nodeId: s.nodeId,
      deviceName: s.deviceName,
      snapshotId: s.snapshotId ?? '',
      originalVolumeId: volume.volumeId,
    });
  }
  return { swaps };
}

/**
 * One written swap, as the restore's steps read it (a read model of a
 * restore_volumes row with its node and the volume it replaces): the new volume
 * copies the volume it replaces (type, iops, throughput, encryption, KMS key),
 * never smaller than the snapshot; the backup's record of the snapshotted
 * volume stands in when the original is no longer registered.
 */
export interface RestorePlanItem {
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

/** The restore's written plan, in plan order. */
export async function loadRestorePlan(
  em: EntityManager,
  restore: Pick<Restore, 'id' | 'backupId'>,
): Promise<RestorePlanItem[]> {
  const planned = await em.find(RestoreVolumeSchema, { restoreId: restore.id }, { orderBy: { id: 'asc' } });
  if (planned.length === 0) return [];
  const [nodes, snapshots, originals] = await Promise.all([
    em.find(NodeSchema, { id: { $in: [...new Set(planned.map((p) => p.nodeId))] } }),
    em.find(BackupSnapshotSchema, {
      backupId: restore.backupId,
      snapshotId: { $in: planned.map((p) => p.snapshotId) },
    }),
    em.find(VolumeSchema, { volumeId: { $in: planned.map((p) => p.originalVolumeId) } }),
  ]);
  return planned.flatMap((p) => {
    const node = nodes.find((n) => n.id === p.nodeId);
    const snapshot = snapshots.find((s) => s.snapshotId === p.snapshotId);
    if (!node || !snapshot) return [];
    const v = originals.find((o) => o.volumeId === p.originalVolumeId);
    return [
      {
        id: p.id,
        nodeId: p.nodeId,
        instanceId: node.instanceId,
        availabilityZone: node.availabilityZone,
        device: p.deviceName,
        snapshotId: p.snapshotId,
        originalVolumeId: p.originalVolumeId,
        clientToken: p.clientToken,
        newVolumeId: p.newVolumeId ?? null,
        sizeGib: Math.max(v?.sizeGib ?? 0, snapshot.volumeSizeGib),
        volumeType: v?.volumeType ?? snapshot.volumeType,
        iops: (v ? v.iops : snapshot.iops) ?? null,
        throughput: (v ? v.throughput : snapshot.throughput) ?? null,
        encrypted: (v?.encrypted ?? false) || snapshot.encrypted,
        kmsKeyId: v?.kmsKeyId ?? snapshot.kmsKeyId ?? null,
      },
    ];
  });
}
