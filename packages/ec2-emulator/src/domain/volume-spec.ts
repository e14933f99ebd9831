import { Ec2Error, invalidParameterValue, missingParameter } from '../protocol/errors.js';

/**
 * EBS volume parameter rules shared by CreateVolume and RunInstances block device mappings:
 * defaults, per-type size ranges, which types take Iops/Throughput, and encryption inherited
 * from the source snapshot.
 */
export interface VolumeSpecInput {
  size: number | undefined;
  volumeType: string | undefined;
  iops: number | undefined;
  throughput: number | undefined;
  encrypted: boolean | undefined;
  kmsKeyId: string | undefined;
  snapshot: { volumeSize: number; encrypted: boolean; kmsKeyId: string | undefined } | undefined;
}

export interface VolumeSpec {
  size: number;
  volumeType: string;
  iops: number | undefined;
  throughput: number | undefined;
  encrypted: boolean;
  kmsKeyId: string | undefined;
}

const SIZE_RANGES: Record<string, [number, number]> = {
  standard: [1, 1024],
  gp2: [1, 16384],
  gp3: [1, 16384],
  io1: [4, 16384],
  io2: [4, 65536],
  st1: [125, 16384],
  sc1: [125, 16384],
};

const IOPS_RANGES: Record<string, [number, number]> = {
  gp3: [3000, 80000],
  io1: [100, 64000],
  io2: [100, 256000],
};

export function kmsKeyArn(keyId: string, region: string, accountId: string): string {
  if (keyId.startsWith('arn:')) return keyId;
  if (keyId.startsWith('alias/')) return `arn:aws:kms:${region}:${accountId}:${keyId}`;
  return `arn:aws:kms:${region}:${accountId}:key/${keyId}`;
}

/** The AWS-managed `aws/ebs` key used when encryption is asked for without a key. */
export function defaultEbsKeyArn(region: string, accountId: string): string {
  return `arn:aws:kms:${region}:${accountId}:key/0e5b0e5b-0000-4000-8000-00000000ae0b`;
}

export function resolveVolumeSpec(input: VolumeSpecInput, region: string, accountId: string): VolumeSpec {
  const volumeType = input.volumeType ?? 'gp2';
  const sizeRange = SIZE_RANGES[volumeType];
  if (!sizeRange) throw invalidParameterValue(`Value (${volumeType}) for parameter volumeType is invalid.`);

  const size = input.size ?? input.snapshot?.volumeSize;
  if (size === undefined) throw missingParameter('size');
  if (input.snapshot && size < input.snapshot.volumeSize) {
    throw invalidParameterValue(
      `Volume of ${size}GiB is too small; minimum is ${input.snapshot.volumeSize}GiB.`,
    );
  }
  const [minSize, maxSize] = sizeRange;
  if (size < minSize || size > maxSize) {
    throw invalidParameterValue(
      `Volume of ${size}GiB is invalid for ${volumeType} volumes; valid sizes are ${minSize}-${maxSize}GiB.`,
    );
  }

  let iops: number | undefined;
  const iopsRange = IOPS_RANGES[volumeType];
  if (iopsRange) {
    iops = input.iops ?? (volumeType === 'gp3' ? 3000 : undefined);
    if (iops === undefined) throw missingParameter('iops');
    if (iops < iopsRange[0] || iops > iopsRange[1]) {
      throw invalidParameterValue(`Value (${iops}) for parameter iops is invalid for ${volumeType} volumes.`);
    }
  } else if (input.iops !== undefined) {
    throw new Ec2Error(
      'InvalidParameterCombination',
      `The parameter iops is not supported for ${volumeType} volumes.`,
    );
  } else if (volumeType === 'gp2') {
    // gp2 reports its baseline: 3 IOPS per GiB, between 100 and 16,000.
    iops = Math.max(100, Math.min(16000, 3 * size));
  }

  let throughput: number | undefined;
  if (volumeType === 'gp3') {
    throughput = input.throughput ?? 125;
    if (throughput < 125 || throughput > 2000) {
      throw invalidParameterValue(`Value (${throughput}) for parameter throughput is invalid.`);
    }
  } else if (input.throughput !== undefined) {
    throw new Ec2Error(
      'InvalidParameterCombination',
      `The parameter throughput is not supported for ${volumeType} volumes.`,
    );
  }

  // A volume restored from an encrypted snapshot is always encrypted.
  const encrypted = input.snapshot?.encrypted === true || input.encrypted === true;
  if (input.kmsKeyId !== undefined && !encrypted) {
    throw new Ec2Error(
      'InvalidParameterDependency',
      'The parameter KmsKeyId requires the parameter Encrypted to be set.',
    );
  }
  let kmsKeyId: string | undefined;
  if (encrypted) {
    const key = input.kmsKeyId ?? input.snapshot?.kmsKeyId;
    kmsKeyId = key ? kmsKeyArn(key, region, accountId) : defaultEbsKeyArn(region, accountId);
  }

  return { size, volumeType, iops, throughput, encrypted, kmsKeyId };
}
