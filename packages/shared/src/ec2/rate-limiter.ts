import type { Redis } from 'ioredis';
import { sleep } from './backoff.js';
import { Ec2WaitError } from './ec2-errors.js';

export interface RateLimit {
  /** Tokens added per second (sustained calls per second across the fleet). */
  ratePerSec: number;
  /** Bucket capacity (the burst allowed after a quiet period). */
  burst: number;
}

// A token bucket kept in Redis so every worker process of the fleet draws from
// the same bucket: however many workers run, the region sees at most `rate`
// mutating calls per second (plus the burst). Time comes from Redis (TIME) so
// clock skew between machines does not matter. Returns 0 when a token was
// taken, else how many ms until one will be available.
const TAKE_SCRIPT = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil then tokens = burst; ts = now end
tokens = math.min(burst, tokens + (now - ts) * rate / 1000)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.ceil((1 - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 60000)
return wait
`;

/** Waits for a token of a fleet-wide, per-region token bucket in Redis. */
export class RedisRateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {}

  /**
   * Takes one token from `bucket`, sleeping while one comes within `maxWaitMs`;
   * past that it throws Ec2WaitError, so a saturated fleet turns waiting into a
   * continuation instead of pinning worker slots.
   */
  async take(bucket: string, limit: RateLimit, maxWaitMs = 10_000): Promise<void> {
    const key = `${this.keyPrefix}:ec2-rate:${bucket}`;
    const deadline = Date.now() + maxWaitMs;
    for (;;) {
      const wait = Number(await this.redis.eval(TAKE_SCRIPT, 1, key, limit.ratePerSec, limit.burst));
      if (wait <= 0) return;
      if (Date.now() + wait > deadline) {
        throw new Ec2WaitError(bucket, 'FleetRateLimit', wait + Math.floor(Math.random() * 1000));
      }
      // A little jitter so waiters do not all wake on the same millisecond.
      await sleep(wait + Math.floor(Math.random() * Math.min(50, wait)));
    }
  }
}
