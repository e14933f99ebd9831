import { snapshotProgress } from '../domain/lifecycle.js';
import { volumeState } from '../domain/model.js';
import type { Ec2Store } from '../domain/store.js';

/** The emulator's whole state as JSON, for tests checking orphans and duplicates. */
export interface InstanceView {
  instanceId: string;
  state: string;
  availabilityZone: string;
  imageId: string;
  instanceType: string;
  rootDeviceName: string;
  launchTime: string;
  tags: Record<string, string>;
  blockDeviceMappings: { deviceName: string; volumeId: string; status: string }[];
}

export interface VolumeView {
  volumeId: string;
  state: string;
  availabilityZone: string;
  size: number;
  volumeType: string;
  iops: number | null;
  throughput: number | null;
  encrypted: boolean;
  kmsKeyId: string | null;
  snapshotId: string | null;
  createTime: string;
  tags: Record<string, string>;
  attachments: { instanceId: string; device: string; state: string; deleteOnTermination: boolean }[];
}

export interface SnapshotView {
  snapshotId: string;
  volumeId: string;
  state: string;
  stateMessage: string | null;
  progress: string;
  volumeSize: number;
  encrypted: boolean;
  kmsKeyId: string | null;
  description: string;
  ownerId: string;
  startTime: string;
  completionTime: string | null;
  fullSnapshotSizeInBytes: number | null;
  tags: Record<string, string>;
}

export interface EmulatorState {
  instances: InstanceView[];
  volumes: VolumeView[];
  snapshots: SnapshotView[];
}

export function stateView(store: Ec2Store, now: number): EmulatorState {
  return {
    instances: [...store.instances.values()].map((instance) => ({
      instanceId: instance.id,
      state: instance.state,
      availabilityZone: instance.availabilityZone,
      imageId: instance.imageId,
      instanceType: instance.instanceType,
      rootDeviceName: instance.rootDeviceName,
      launchTime: instance.launchTime.toISOString(),
      tags: Object.fromEntries(instance.tags),
      blockDeviceMappings: store.volumesOf(instance.id).map((volume) => ({
        deviceName: volume.attachment?.device ?? '',
        volumeId: volume.id,
        status: volume.attachment?.state ?? '',
      })),
    })),
    volumes: [...store.volumes.values()].map((volume) => ({
      volumeId: volume.id,
      state: volumeState(volume),
      availabilityZone: volume.availabilityZone,
      size: volume.size,
      volumeType: volume.volumeType,
      iops: volume.iops ?? null,
      throughput: volume.throughput ?? null,
      encrypted: volume.encrypted,
      kmsKeyId: volume.kmsKeyId ?? null,
      snapshotId: volume.snapshotId ?? null,
      createTime: volume.createTime.toISOString(),
      tags: Object.fromEntries(volume.tags),
      attachments: volume.attachment
        ? [
            {
              instanceId: volume.attachment.instanceId,
              device: volume.attachment.device,
              state: volume.attachment.state,
              deleteOnTermination: volume.attachment.deleteOnTermination,
            },
          ]
        : [],
    })),
    snapshots: [...store.snapshots.values()].map((snapshot) => ({
      snapshotId: snapshot.id,
      volumeId: snapshot.volumeId,
      state: snapshot.state,
      stateMessage: snapshot.stateMessage ?? null,
      progress: snapshotProgress(snapshot, now),
      volumeSize: snapshot.volumeSize,
      encrypted: snapshot.encrypted,
      kmsKeyId: snapshot.kmsKeyId ?? null,
      description: snapshot.description,
      ownerId: snapshot.ownerId,
      startTime: snapshot.startTime.toISOString(),
      completionTime: snapshot.completionTime?.toISOString() ?? null,
      fullSnapshotSizeInBytes: snapshot.state === 'completed' ? snapshot.fullSizeBytes : null,
      tags: Object.fromEntries(snapshot.tags),
    })),
  };
}
