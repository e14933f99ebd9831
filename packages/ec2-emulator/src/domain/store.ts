import { Ec2Error } from '../protocol/errors.js';
import { isWellFormedId } from './ids.js';
import { settleInstance, settleSnapshot, settleVolume } from './lifecycle.js';
import type { Timings } from './limits.js';
import type { InstanceRecord, SnapshotRecord, VolumeRecord } from './model.js';

/** All emulated resources of one account in one region. */
export class Ec2Store {
  readonly instances = new Map<string, InstanceRecord>();
  readonly volumes = new Map<string, VolumeRecord>();
  readonly snapshots = new Map<string, SnapshotRecord>();
  /** CreateVolume ClientToken → the request's fingerprint and the volume it made. */
  readonly volumeClientTokens = new Map<string, { fingerprint: string; volumeId: string }>();
  /** Virtual time of the last snapshot started per volume (per-volume rate limit). */
  readonly lastSnapshotAt = new Map<string, number>();

  settle(now: number, timings: Timings, toDate: (virtual: number) => Date): void {
    for (const instance of this.instances.values()) {
      settleInstance(instance, now, timings);
      if (instance.state === 'terminated') this.releaseVolumes(instance.id);
    }
    for (const volume of this.volumes.values()) settleVolume(volume, now, timings);
    for (const snapshot of this.snapshots.values()) settleSnapshot(snapshot, now, toDate);
  }

  /** A terminated instance's volumes are deleted (DeleteOnTermination) or detached. */
  private releaseVolumes(instanceId: string): void {
    for (const volume of this.volumesOf(instanceId)) {
      if (volume.attachment?.deleteOnTermination) this.volumes.delete(volume.id);
      else volume.attachment = undefined;
    }
  }

  clear(): void {
    this.instances.clear();
    this.volumes.clear();
    this.snapshots.clear();
    this.volumeClientTokens.clear();
    this.lastSnapshotAt.clear();
  }

  instance(id: string): InstanceRecord {
    const instance = this.instances.get(id);
    if (instance) return instance;
    if (!isWellFormedId('i', id)) throw new Ec2Error('InvalidInstanceID.Malformed', `Invalid id: "${id}"`);
    throw new Ec2Error('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
  }

  volume(id: string): VolumeRecord {
    const volume = this.volumes.get(id);
    if (volume) return volume;
    if (!isWellFormedId('vol', id)) throw new Ec2Error('InvalidVolumeID.Malformed', `Invalid id: "${id}"`);
    throw new Ec2Error('InvalidVolume.NotFound', `The volume '${id}' does not exist.`);
  }

  snapshot(id: string): SnapshotRecord {
    const snapshot = this.snapshots.get(id);
    if (snapshot) return snapshot;
    if (!isWellFormedId('snap', id)) throw new Ec2Error('InvalidSnapshotID.Malformed', `Invalid id: "${id}"`);
    throw new Ec2Error('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`);
  }

  volumesOf(instanceId: string): VolumeRecord[] {
    return [...this.volumes.values()].filter((volume) => volume.attachment?.instanceId === instanceId);
  }

  pendingSnapshotsOf(volumeId: string): number {
    return [...this.snapshots.values()].filter((s) => s.volumeId === volumeId && s.state === 'pending')
      .length;
  }

  pendingSnapshots(): number {
    return [...this.snapshots.values()].filter((s) => s.state === 'pending').length;
  }
}
