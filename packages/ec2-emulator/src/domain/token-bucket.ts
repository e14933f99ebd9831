/**
 * EC2 throttles with token buckets: each request takes a token, the bucket refills at a fixed
 * rate up to its capacity, and an empty bucket means `RequestLimitExceeded`. Times are virtual
 * (nominal) milliseconds so refill speeds up with the emulator's time scale.
 */
export interface BucketSpec {
  capacity: number;
  refillPerSecond: number;
}

export class TokenBucket {
  private tokens: number;
  private lastRefill: number;

  constructor(
    readonly spec: BucketSpec,
    now: number,
  ) {
    this.tokens = spec.capacity;
    this.lastRefill = now;
  }

  available(now: number): number {
    this.refill(now);
    return this.tokens;
  }

  /** Takes `count` tokens if the bucket holds them all; takes nothing otherwise. */
  tryTake(now: number, count = 1): boolean {
    this.refill(now);
    if (this.tokens < count) return false;
    this.tokens -= count;
    return true;
  }

  private refill(now: number): void {
    const elapsedSeconds = Math.max(0, now - this.lastRefill) / 1000;
    this.tokens = Math.min(this.spec.capacity, this.tokens + elapsedSeconds * this.spec.refillPerSecond);
    this.lastRefill = now;
  }
}
