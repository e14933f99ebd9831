import type { SnapshotInfo as AwsSnapshotInfo, Instance, Snapshot, Volume } from '@aws-sdk/client-ec2';
import type { AttachmentState, InstanceInfo, SnapshotInfo, SnapshotState, VolumeInfo } from './ec2.types.js';
import { fromAwsTags } from './tags.js';

// Turns the SDK's everything-optional shapes into the adapter's plain records.

export function parseProgress(progress: string | undefined): number {
  const n = Number.parseInt((progress ?? '0').replace('%', ''), 10);
  return Number.isFinite(n) ? Math.max(0, Math.min(100, n)) : 0;
}

export function toVolumeInfo(v: Volume): VolumeInfo {
  return {
    volumeId: v.VolumeId ?? '',
    availabilityZone: v.AvailabilityZone ?? '',
    state: v.State ?? 'unknown',
    sizeGiB: v.Size ?? 0,
    volumeType: v.VolumeType ?? 'gp3',
    iops: v.Iops ?? null,
    throughput: v.Throughput ?? null,
    encrypted: v.Encrypted ?? false,
    kmsKeyId: v.KmsKeyId ?? null,
    snapshotId: v.SnapshotId ? v.SnapshotId : null,
    attachments: (v.Attachments ?? []).map((a) => ({
      instanceId: a.InstanceId ?? '',
      device: a.Device ?? '',
      state: (a.State ?? 'attached') as AttachmentState,
    })),
    tags: fromAwsTags(v.Tags),
  };
}

export function toSnapshotInfo(s: Snapshot | AwsSnapshotInfo): SnapshotInfo {
  const full = 'FullSnapshotSizeInBytes' in s ? s.FullSnapshotSizeInBytes : undefined;
  return {
    snapshotId: s.SnapshotId ?? '',
    volumeId: s.VolumeId ?? '',
    state: (s.State ?? 'pending') as SnapshotState,
    progress: parseProgress(s.Progress),
    stateMessage: ('StateMessage' in s ? s.StateMessage : undefined) ?? null,
    volumeSizeGiB: s.VolumeSize ?? 0,
    fullSizeBytes: typeof full === 'number' ? BigInt(full) : null,
    tags: fromAwsTags(s.Tags),
  };
}

/** The instance without its volumes' details; the adapter fills `dataVolumes` from DescribeVolumes. */
export function instanceSkeleton(i: Instance): {
  info: Omit<InstanceInfo, 'dataVolumes'>;
  data: Map<string, string>;
} {
  const root = i.RootDeviceName ?? null;
  const data = new Map<string, string>(); // volume id -> device
  for (const m of i.BlockDeviceMappings ?? []) {
    if (!m.Ebs?.VolumeId || !m.DeviceName) continue;
    if (root !== null && m.DeviceName === root) continue;
    data.set(m.Ebs.VolumeId, m.DeviceName);
  }
  return {
    info: {
      instanceId: i.InstanceId ?? '',
      availabilityZone: i.Placement?.AvailabilityZone ?? '',
      state: i.State?.Name ?? 'unknown',
      rootDeviceName: root,
      tags: fromAwsTags(i.Tags),
    },
    data,
  };
}

/** Where a volume stands with respect to one instance: its attachment state, or `detached` if none. */
export function attachmentStateOn(volume: VolumeInfo, instanceId: string): AttachmentState {
  const a = volume.attachments.find((x) => x.instanceId === instanceId);
  return a ? a.state : 'detached';
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
