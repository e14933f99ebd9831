/** The emulator's records. Times ending in `At` are virtual (nominal) milliseconds. */
export type InstanceStateName =
  | 'pending'
  | 'running'
  | 'stopping'
  | 'stopped'
  | 'shutting-down'
  | 'terminated';

/** EC2's numeric instance state codes. */
export const INSTANCE_STATE_CODES: Record<InstanceStateName, number> = {
  pending: 0,
  running: 16,
  stopping: 64,
  stopped: 80,
  'shutting-down': 32,
  terminated: 48,
};

export interface InstanceRecord {
  id: string;
  reservationId: string;
  imageId: string;
  instanceType: string;
  availabilityZone: string;
  state: InstanceStateName;
  stateAt: number;
  launchTime: Date;
  rootDeviceName: string;
  tags: Map<string, string>;
}

export type AttachmentState = 'attaching' | 'attached' | 'detaching';

export interface AttachmentRecord {
  instanceId: string;
  device: string;
  state: AttachmentState;
  stateAt: number;
  attachTime: Date;
  deleteOnTermination: boolean;
}

/** `in-use` is not stored: a volume with an attachment is in use. */
export type StoredVolumeState = 'creating' | 'available' | 'error';
export type VolumeStateName = StoredVolumeState | 'in-use';

export interface VolumeRecord {
  id: string;
  availabilityZone: string;
  size: number;
  volumeType: string;
  iops: number | undefined;
  throughput: number | undefined;
  encrypted: boolean;
  kmsKeyId: string | undefined;
  snapshotId: string | undefined;
  state: StoredVolumeState;
  stateAt: number;
  createTime: Date;
  attachment: AttachmentRecord | undefined;
  tags: Map<string, string>;
  /** Bytes a full snapshot of this volume holds (EBS only stores written blocks). */
  dataBytes: number;
}

export type SnapshotStateName = 'pending' | 'completed' | 'error';

export interface SnapshotRecord {
  id: string;
  volumeId: string;
  volumeSize: number;
  description: string;
  state: SnapshotStateName;
  stateMessage: string | undefined;
  errorAt?: number;
  startedAt: number;
  durationMs: number;
  startTime: Date;
  completionTime: Date | undefined;
  encrypted: boolean;
  kmsKeyId: string | undefined;
  ownerId: string;
  tags: Map<string, string>;
  fullSizeBytes: number;
}

export function volumeState(volume: VolumeRecord): VolumeStateName {
  if (volume.state === 'error') return 'error';
  return volume.attachment ? 'in-use' : volume.state;
}
