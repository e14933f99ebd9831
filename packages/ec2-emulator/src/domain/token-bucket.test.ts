import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('allows a burst up to capacity, then refuses', () => {
    const bucket = new TokenBucket({ capacity: 3, refillPerSecond: 1 }, 0);
    expect([1, 2, 3, 4].map(() => bucket.tryTake(0))).toEqual([true, true, true, false]);
  });

  it('refills at the given rate and never beyond capacity', () => {
    const bucket = new TokenBucket({ capacity: 5, refillPerSecond: 2 }, 0);
    for (let i = 0; i < 5; i++) bucket.tryTake(0);
    expect(bucket.available(500)).toBe(1);
    expect(bucket.available(60_000)).toBe(5);
  });

  it('takes several tokens at once or none', () => {
    const bucket = new TokenBucket({ capacity: 10, refillPerSecond: 1 }, 0);
    expect(bucket.tryTake(0, 8)).toBe(true);
    expect(bucket.tryTake(0, 3)).toBe(false);
    expect(bucket.available(0)).toBe(2);
  });
});
