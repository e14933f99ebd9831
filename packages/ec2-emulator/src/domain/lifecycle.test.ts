import { describe, expect, it } from 'vitest';
import {
  settleInstance,
  settleSnapshot,
  settleVolume,
  snapshotDurationMs,
  snapshotProgress,
} from './lifecycle.js';
import { DEFAULT_TIMINGS } from './limits.js';
import type { InstanceRecord, SnapshotRecord, VolumeRecord } from './model.js';
import { volumeState } from './model.js';

const timings = DEFAULT_TIMINGS;

function instance(state: InstanceRecord['state']): InstanceRecord {
  return {
    id: 'i-1',
    reservationId: 'r-1',
    imageId: 'ami-1',
    instanceType: 't3.micro',
    availabilityZone: 'us-west-1a',
    state,
    stateAt: 0,
    launchTime: new Date(0),
    rootDeviceName: '/dev/xvda',
    tags: new Map(),
  };
}

function volume(): VolumeRecord {
  return {
    id: 'vol-1',
    availabilityZone: 'us-west-1a',
    size: 10,
    volumeType: 'gp3',
    iops: 3000,
    throughput: 125,
    encrypted: false,
    kmsKeyId: undefined,
    snapshotId: undefined,
    state: 'creating',
    stateAt: 0,
    createTime: new Date(0),
    attachment: undefined,
    tags: new Map(),
    dataBytes: 0,
  };
}

function snapshot(): SnapshotRecord {
  return {
    id: 'snap-1',
    volumeId: 'vol-1',
    volumeSize: 10,
    description: '',
    state: 'pending',
    stateMessage: undefined,
    startedAt: 0,
    durationMs: 1_000,
    startTime: new Date(0),
    completionTime: undefined,
    encrypted: false,
    kmsKeyId: undefined,
    ownerId: '123456789012',
    tags: new Map(),
    fullSizeBytes: 0,
  };
}

describe('instance transitions', () => {
  it('goes pending → running after the pending time', () => {
    const i = instance('pending');
    settleInstance(i, timings.instancePendingMs - 1, timings);
    expect(i.state).toBe('pending');
    settleInstance(i, timings.instancePendingMs, timings);
    expect(i.state).toBe('running');
  });

  it('goes stopping → stopped after the stopping time', () => {
    const i = instance('stopping');
    settleInstance(i, timings.instanceStoppingMs, timings);
    expect(i.state).toBe('stopped');
  });
});

describe('volume transitions', () => {
  it('creating → available, attaching → attached, detaching → gone', () => {
    const v = volume();
    settleVolume(v, timings.volumeCreatingMs, timings);
    expect(volumeState(v)).toBe('available');
    v.attachment = {
      instanceId: 'i-1',
      device: '/dev/sdf',
      state: 'attaching',
      stateAt: 10_000,
      attachTime: new Date(0),
      deleteOnTermination: false,
    };
    expect(volumeState(v)).toBe('in-use');
    settleVolume(v, 10_000 + timings.volumeAttachingMs, timings);
    expect(v.attachment?.state).toBe('attached');
    v.attachment = { ...v.attachment, state: 'detaching', stateAt: 20_000 } as VolumeRecord['attachment'];
    settleVolume(v, 20_000 + timings.volumeDetachingMs, timings);
    expect(v.attachment).toBeUndefined();
    expect(volumeState(v)).toBe('available');
  });
});

describe('snapshot progress', () => {
  it('grows with time, stays below 100% while pending, then completes', () => {
    const s = snapshot();
    expect(snapshotProgress(s, 0)).toBe('0%');
    expect(snapshotProgress(s, 370)).toBe('37%');
    expect(snapshotProgress(s, 999)).toBe('99%');
    settleSnapshot(s, 1_000, (v) => new Date(v));
    expect(s.state).toBe('completed');
    expect(s.completionTime).toEqual(new Date(1_000));
    expect(snapshotProgress(s, 1_000)).toBe('100%');
  });

  it('takes longer for bigger volumes', () => {
    expect(snapshotDurationMs(100, timings)).toBeGreaterThan(snapshotDurationMs(8, timings));
  });
});
