import { snapshotProgress } from '../domain/lifecycle.js';
import {
  INSTANCE_STATE_CODES,
  type InstanceRecord,
  type SnapshotRecord,
  type VolumeRecord,
  volumeState,
} from '../domain/model.js';
import type { Ec2Store } from '../domain/store.js';
import { tagSet, type XmlObject } from '../protocol/xml.js';

export function renderAttachment(volume: VolumeRecord): XmlObject | undefined {
  const attachment = volume.attachment;
  if (!attachment) return undefined;
  return {
    volumeId: volume.id,
    instanceId: attachment.instanceId,
    device: attachment.device,
    status: attachment.state,
    attachTime: attachment.attachTime,
    deleteOnTermination: attachment.deleteOnTermination,
  };
}

export function renderVolume(volume: VolumeRecord, accountId: string): XmlObject {
  const attachment = renderAttachment(volume);
  return {
    volumeId: volume.id,
    size: volume.size,
    snapshotId: volume.snapshotId ?? '',
    availabilityZone: volume.availabilityZone,
    status: volumeState(volume),
    createTime: volume.createTime,
    attachmentSet: attachment ? [attachment] : [],
    tagSet: tagSet(volume.tags),
    volumeType: volume.volumeType,
    iops: volume.iops,
    throughput: volume.throughput,
    encrypted: volume.encrypted,
    kmsKeyId: volume.kmsKeyId,
    multiAttachEnabled: false,
    ownerId: accountId,
  };
}

export function renderSnapshot(snapshot: SnapshotRecord, now: number): XmlObject {
  return {
    snapshotId: snapshot.id,
    volumeId: snapshot.volumeId,
    status: snapshot.state,
    statusMessage: snapshot.stateMessage,
    startTime: snapshot.startTime,
    completionTime: snapshot.completionTime,
    progress: snapshotProgress(snapshot, now),
    ownerId: snapshot.ownerId,
    description: snapshot.description,
    volumeSize: snapshot.volumeSize,
    encrypted: snapshot.encrypted,
    kmsKeyId: snapshot.kmsKeyId,
    tagSet: tagSet(snapshot.tags),
    storageTier: 'standard',
    fullSnapshotSizeInBytes: snapshot.state === 'completed' ? snapshot.fullSizeBytes : undefined,
  };
}

export function renderInstanceState(instance: InstanceRecord): XmlObject {
  return { code: INSTANCE_STATE_CODES[instance.state], name: instance.state };
}

export function renderInstance(instance: InstanceRecord, store: Ec2Store): XmlObject {
  const mappings = store
    .volumesOf(instance.id)
    .sort((a, b) => (a.attachment?.attachTime.getTime() ?? 0) - (b.attachment?.attachTime.getTime() ?? 0))
    .map((volume) => ({
      deviceName: volume.attachment?.device,
      ebs: {
        volumeId: volume.id,
        status: volume.attachment?.state,
        attachTime: volume.attachment?.attachTime,
        deleteOnTermination: volume.attachment?.deleteOnTermination,
      },
    }));
  return {
    instanceId: instance.id,
    imageId: instance.imageId,
    instanceState: renderInstanceState(instance),
    instanceType: instance.instanceType,
    launchTime: instance.launchTime,
    placement: { availabilityZone: instance.availabilityZone, tenancy: 'default' },
    rootDeviceType: 'ebs',
    rootDeviceName: instance.rootDeviceName,
    blockDeviceMapping: mappings,
    tagSet: tagSet(instance.tags),
    amiLaunchIndex: 0,
    architecture: 'x86_64',
    virtualizationType: 'hvm',
    reason: instance.state === 'stopped' ? 'User initiated' : '',
  };
}
