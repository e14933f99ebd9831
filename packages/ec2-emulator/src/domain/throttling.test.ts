import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, resolveLimits } from './limits.js';
import { requestBucketSpec, Throttler } from './throttling.js';

describe('requestBucketSpec', () => {
  it("uses AWS's published buckets", () => {
    expect(requestBucketSpec('CreateSnapshots', false, DEFAULT_LIMITS)).toEqual({
      capacity: 100,
      refillPerSecond: 5,
    });
    expect(requestBucketSpec('RunInstances', false, DEFAULT_LIMITS)).toEqual({
      capacity: 5,
      refillPerSecond: 2,
    });
    expect(requestBucketSpec('DescribeSnapshots', false, DEFAULT_LIMITS)).toEqual({
      capacity: 100,
      refillPerSecond: 20,
    });
    expect(requestBucketSpec('DescribeSnapshots', true, DEFAULT_LIMITS)).toEqual({
      capacity: 50,
      refillPerSecond: 10,
    });
    expect(requestBucketSpec('AttachVolume', false, DEFAULT_LIMITS)).toEqual({
      capacity: 50,
      refillPerSecond: 5,
    });
  });

  it('lets a configured override win', () => {
    const limits = resolveLimits({ buckets: { CreateSnapshots: { capacity: 1, refillPerSecond: 1 } } });
    expect(requestBucketSpec('CreateSnapshots', false, limits)).toEqual({ capacity: 1, refillPerSecond: 1 });
  });
});

describe('Throttler', () => {
  it('throttles one action without touching another', () => {
    const throttler = new Throttler(
      resolveLimits({ buckets: { DeleteSnapshot: { capacity: 2, refillPerSecond: 1 } } }),
    );
    expect([0, 0, 0].map((t) => throttler.tryRequest('DeleteSnapshot', false, t))).toEqual([
      true,
      true,
      false,
    ]);
    expect(throttler.tryRequest('CreateSnapshot', false, 0)).toBe(true);
    expect(throttler.tryRequest('DeleteSnapshot', false, 1_000)).toBe(true);
  });

  it('spends resource tokens per instance', () => {
    const throttler = new Throttler(DEFAULT_LIMITS);
    expect(throttler.tryResources('StartInstances', 1000, 0)).toBe(true);
    expect(throttler.tryResources('StartInstances', 1, 0)).toBe(false);
  });

  it('never throttles when limits are off', () => {
    const throttler = new Throttler(resolveLimits(false));
    expect(
      Array.from({ length: 200 }, () => throttler.tryRequest('RunInstances', false, 0)).every(Boolean),
    ).toBe(true);
  });
});

describe('resolveLimits', () => {
  it('overrides field by field and replaces bucket overrides as a whole', () => {
    const first = resolveLimits({ buckets: { A: { capacity: 1, refillPerSecond: 1 } } });
    const second = resolveLimits({ pendingSnapshotsPerVolume: 2, buckets: {} }, first);
    expect(second).toMatchObject({
      pendingSnapshotsPerVolume: 2,
      snapshotIntervalPerVolumeMs: 15_000,
      buckets: {},
    });
    expect(resolveLimits({ pendingSnapshotsPerRegion: 1 }, first).buckets).toEqual(first.buckets);
  });

  it('turns everything off with false', () => {
    expect(resolveLimits(false)).toMatchObject({
      throttling: false,
      pendingSnapshotsPerVolume: null,
      snapshotIntervalPerVolumeMs: null,
      pendingSnapshotsPerRegion: null,
    });
  });
});
