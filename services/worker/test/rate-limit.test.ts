import { Ec2WaitError, RedisRateLimiter } from '@backups/shared/ec2';
import { useTestRedis } from '@backups/testing';
import { describe, expect, it } from 'vitest';

const redis = useTestRedis();

describe('fleet-wide EC2 rate limit', () => {
  it('keeps three workers together within one token bucket', async () => {
    const limit = { ratePerSec: 20, burst: 5 };
    // Three "processes": separate connections, one shared bucket in Redis.
    const limiters = [0, 1, 2].map(() => new RedisRateLimiter(redis.connection(), redis.prefix));
    const started = Date.now();
    let granted = 0;
    await Promise.all(
      limiters.map(async (l) => {
        while (Date.now() - started < 1000) {
          await l.take('us-west-1:mutating', limit);
          if (Date.now() - started < 1000) granted++;
        }
      }),
    );
    // In one second: the burst plus one second of refill, whatever the number of workers.
    expect(granted).toBeGreaterThanOrEqual(limit.ratePerSec / 2);
    expect(granted).toBeLessThanOrEqual(limit.burst + limit.ratePerSec + 2);
  });

  it('turns a long wait into "come back later" instead of holding the worker', async () => {
    const limiter = new RedisRateLimiter(redis.connection(), redis.prefix);
    const limit = { ratePerSec: 0.5, burst: 1 };
    await limiter.take('eu-west-1:mutating', limit, 100);
    const err = await limiter.take('eu-west-1:mutating', limit, 100).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Ec2WaitError);
    expect((err as Ec2WaitError).retryAfterMs).toBeGreaterThan(1000);
  });
});
