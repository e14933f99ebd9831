import { describe, expect, it } from 'vitest';
import {
  attachmentStateOn,
  instanceSkeleton,
  parseProgress,
  toSnapshotInfo,
  toVolumeInfo,
} from './ec2-parse.js';

describe('ec2 parsing', () => {
  it('leaves the boot volume out of an instance', () => {
    const { info, data } = instanceSkeleton({
      InstanceId: 'i-1',
      RootDeviceName: '/dev/xvda',
      Placement: { AvailabilityZone: 'us-west-1a' },
      State: { Name: 'running' },
      BlockDeviceMappings: [
        { DeviceName: '/dev/xvda', Ebs: { VolumeId: 'vol-boot' } },
        { DeviceName: '/dev/sdf', Ebs: { VolumeId: 'vol-data' } },
      ],
    });
    expect(info.availabilityZone).toBe('us-west-1a');
    expect([...data.entries()]).toEqual([['vol-data', '/dev/sdf']]);
  });

  it('reads snapshot progress and full size', () => {
    const s = toSnapshotInfo({
      SnapshotId: 'snap-1',
      VolumeId: 'vol-1',
      State: 'pending',
      Progress: '42%',
      FullSnapshotSizeInBytes: 1024,
    });
    expect(s.progress).toBe(42);
    expect(s.fullSizeBytes).toBe(1024n);
    expect(parseProgress(undefined)).toBe(0);
  });

  it('reports an attachment state per instance', () => {
    const v = toVolumeInfo({
      VolumeId: 'vol-1',
      Attachments: [{ InstanceId: 'i-1', Device: '/dev/sdf', State: 'detaching' }],
    });
    expect(attachmentStateOn(v, 'i-1')).toBe('detaching');
    expect(attachmentStateOn(v, 'i-2')).toBe('detached');
  });
});
