import { describe, expect, it } from 'vitest';
import { resolveVolumeSpec, type VolumeSpecInput } from './volume-spec.js';

const base: VolumeSpecInput = {
  size: undefined,
  volumeType: undefined,
  iops: undefined,
  throughput: undefined,
  encrypted: undefined,
  kmsKeyId: undefined,
  snapshot: undefined,
};
const resolve = (input: Partial<VolumeSpecInput>) =>
  resolveVolumeSpec({ ...base, ...input }, 'us-west-1', '1');

describe('resolveVolumeSpec', () => {
  it('defaults to gp2 with its baseline IOPS', () => {
    expect(resolve({ size: 10 })).toMatchObject({ volumeType: 'gp2', size: 10, iops: 100, encrypted: false });
  });

  it('defaults gp3 IOPS and throughput', () => {
    expect(resolve({ size: 10, volumeType: 'gp3' })).toMatchObject({ iops: 3000, throughput: 125 });
  });

  it('takes the size from the snapshot and refuses a smaller one', () => {
    const snapshot = { volumeSize: 20, encrypted: false, kmsKeyId: undefined };
    expect(resolve({ snapshot }).size).toBe(20);
    expect(() => resolve({ snapshot, size: 10 })).toThrow(/too small/);
  });

  it('needs a size or a snapshot', () => {
    expect(() => resolve({})).toThrow(/size/);
  });

  it('checks which types take IOPS and throughput', () => {
    expect(() => resolve({ size: 10, volumeType: 'gp2', iops: 500 })).toThrow(/iops is not supported/);
    expect(() => resolve({ size: 10, volumeType: 'io2' })).toThrow(/iops/);
    expect(() => resolve({ size: 10, volumeType: 'io1', iops: 1000, throughput: 200 })).toThrow(/throughput/);
    expect(() => resolve({ size: 10, volumeType: 'magnetic' })).toThrow(/volumeType/);
  });

  it('inherits encryption and key from the snapshot', () => {
    const snapshot = { volumeSize: 8, encrypted: true, kmsKeyId: 'arn:aws:kms:us-west-1:1:key/k' };
    expect(resolve({ snapshot })).toMatchObject({
      encrypted: true,
      kmsKeyId: 'arn:aws:kms:us-west-1:1:key/k',
    });
  });

  it('needs Encrypted for a KmsKeyId', () => {
    expect(() => resolve({ size: 10, kmsKeyId: 'k' })).toThrow(/requires the parameter Encrypted/);
    expect(resolve({ size: 10, kmsKeyId: 'k', encrypted: true }).kmsKeyId).toBe(
      'arn:aws:kms:us-west-1:1:key/k',
    );
  });
});
