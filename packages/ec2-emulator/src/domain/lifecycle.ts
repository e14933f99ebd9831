import type { Timings } from './limits.js';
import type { InstanceRecord, SnapshotRecord, VolumeRecord } from './model.js';

/**
 * State transitions are evaluated lazily from timestamps: before any read or write the store
 * "settles" every record to the virtual instant `now`. No timers, so nothing to leak.
 */
export function settleInstance(instance: InstanceRecord, now: number, timings: Timings): void {
  if (instance.state === 'pending' && now >= instance.stateAt + timings.instancePendingMs) {
    instance.state = 'running';
    instance.stateAt += timings.instancePendingMs;
  } else if (instance.state === 'stopping' && now >= instance.stateAt + timings.instanceStoppingMs) {
    instance.state = 'stopped';
    instance.stateAt += timings.instanceStoppingMs;
  } else if (instance.state === 'shutting-down' && now >= instance.stateAt + timings.instanceStoppingMs) {
    instance.state = 'terminated';
    instance.stateAt += timings.instanceStoppingMs;
  }
}

export function settleVolume(volume: VolumeRecord, now: number, timings: Timings): void {
  if (volume.state === 'creating' && now >= volume.stateAt + timings.volumeCreatingMs) {
    volume.state = 'available';
    volume.stateAt += timings.volumeCreatingMs;
  }
  const attachment = volume.attachment;
  if (!attachment) return;
  if (attachment.state === 'attaching' && now >= attachment.stateAt + timings.volumeAttachingMs) {
    attachment.state = 'attached';
    attachment.stateAt += timings.volumeAttachingMs;
  } else if (attachment.state === 'detaching' && now >= attachment.stateAt + timings.volumeDetachingMs) {
    // EC2 drops a finished attachment from DescribeVolumes; the volume is `available` again.
    volume.attachment = undefined;
    volume.stateAt = attachment.stateAt + timings.volumeDetachingMs;
  }
}

export function snapshotDurationMs(volumeSizeGiB: number, timings: Timings): number {
  return timings.snapshotBaseMs + timings.snapshotPerGiBMs * volumeSizeGiB;
}

export function settleSnapshot(
  snapshot: SnapshotRecord,
  now: number,
  toDate: (virtual: number) => Date,
): void {
  if (snapshot.state === 'pending' && now >= snapshot.startedAt + snapshot.durationMs) {
    snapshot.state = 'completed';
    snapshot.completionTime = toDate(snapshot.startedAt + snapshot.durationMs);
  }
}

/** EC2 reports progress as a percentage string; a pending snapshot never shows 100%. */
export function snapshotProgress(snapshot: SnapshotRecord, now: number): string {
  if (snapshot.state === 'completed') return '100%';
  // An errored snapshot keeps the progress it had; it never moves again.
  const at = snapshot.state === 'error' ? Math.min(now, snapshot.errorAt ?? now) : now;
  return `${pendingPercent(snapshot, at)}%`;
}

function pendingPercent(snapshot: SnapshotRecord, now: number): number {
  if (snapshot.durationMs <= 0) return 99;
  const fraction = (now - snapshot.startedAt) / snapshot.durationMs;
  return Math.max(0, Math.min(99, Math.floor(fraction * 100)));
}
