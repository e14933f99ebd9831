import { Ec2WaitError, RedisRateLimiter } from '@backups/shared/ec2';
import { useTestRedis } from '@backups/testing';
import { describe, expect, it } from 'vitest';

const redis = useTestRedis();

describe('fleet-wide EC2 rate limit', () => {
  it("lets three workers together take one bucket's burst, and refuses them all past it", async () => {
    // Refill is so slow (one token per ~17 minutes) that only the burst can be granted
    // while the test runs, however slowly it runs: one bucket grants 5, three would grant 15.
    const limit = { ratePerSec: 0.001, burst: 5 };
    // Three "processes": separate connections, one shared bucket in Redis.
    const limiters = [0, 1, 2].map(() => new RedisRateLimiter(redis.connection(), redis.prefix));
    const outcomes = await Promise.all(
      limiters.flatMap((l) =>
        Array.from({ length: limit.burst }, () =>
          l.take('us-west-1:mutating', limit, 0).then(
            () => 'granted' as const,
            (err: unknown) => err,
          ),
        ),
      ),
    );
    const granted = outcomes.filter((o) => o === 'granted');
    const refused = outcomes.filter((o) => o !== 'granted');
    expect(granted).toHaveLength(limit.burst);
    expect(refused).toHaveLength(2 * limit.burst);
    for (const err of refused) {
      expect(err).toBeInstanceOf(Ec2WaitError);
      // The shared bucket is empty: the next token is most of a refill period away.
      expect((err as Ec2WaitError).retryAfterMs).toBeGreaterThan(500_000);
    }
  });

  it('turns a long wait into "come back later" instead of holding the worker', async () => {
    const limiter = new RedisRateLimiter(redis.connection(), redis.prefix);
    // One token per 100 s: the second take would wait far longer than the 100 ms it may.
    const limit = { ratePerSec: 0.01, burst: 1 };
    await limiter.take('eu-west-1:mutating', limit, 100);
    const err = await limiter.take('eu-west-1:mutating', limit, 100).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Ec2WaitError);
    expect((err as Ec2WaitError).retryAfterMs).toBeGreaterThan(50_000);
  });
});
