import type { Tags } from './tags.js';

export type AttachmentState = 'attaching' | 'attached' | 'detaching' | 'detached' | 'busy';

export interface VolumeAttachment {
  instanceId: string;
  device: string;
  state: AttachmentState;
}

export interface VolumeInfo {
  volumeId: string;
  availabilityZone: string;
  /** creating | available | in-use | deleting | deleted | error */
  state: string;
  sizeGiB: number;
  volumeType: string;
  iops: number | null;
  throughput: number | null;
  encrypted: boolean;
  kmsKeyId: string | null;
  snapshotId: string | null;
  attachments: VolumeAttachment[];
  tags: Tags;
}

/** A data volume as attached to an instance: the volume plus its device name there. */
export interface AttachedVolume extends VolumeInfo {
  device: string;
}

export interface InstanceInfo {
  instanceId: string;
  availabilityZone: string;
  /** pending | running | stopping | stopped | shutting-down | terminated */
  state: string;
  rootDeviceName: string | null;
  /** Data volumes only: the boot (root device) volume is left out. */
  dataVolumes: AttachedVolume[];
  tags: Tags;
}

/** An instance with only the ids and devices of its data volumes. */
export interface InstanceAttachments extends Omit<InstanceInfo, 'dataVolumes'> {
  dataVolumes: { volumeId: string; device: string }[];
}

export type SnapshotState = 'pending' | 'completed' | 'error' | 'recoverable' | 'recovering';

export interface SnapshotInfo {
  snapshotId: string;
  volumeId: string;
  state: SnapshotState;
  /** 0–100 */
  progress: number;
  stateMessage: string | null;
  volumeSizeGiB: number;
  /** The snapshot's full size when EC2 reports it (FullSnapshotSizeInBytes). */
  fullSizeBytes: bigint | null;
  tags: Tags;
}

export interface CreateVolumeInput {
  availabilityZone: string;
  snapshotId: string;
  volumeType: string;
  sizeGiB: number;
  iops: number | null;
  throughput: number | null;
  encrypted: boolean;
  kmsKeyId: string | null;
  /** Idempotency token: the same token returns the same volume instead of making another. */
  clientToken: string;
  tags: Tags;
}
