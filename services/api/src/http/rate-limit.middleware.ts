import type { Logger } from '@backups/shared';
import type { MiddlewareHandler } from 'hono';
import type { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { ApiError } from '../errors/codes.js';
import { unavailable } from '../errors/infra-errors.js';
import { noteRedisAnswered } from '../services/redis-liveness.js';
import { CoalescedCount, type Counted } from './coalesced-count.js';
import type { AppEnv } from './context.js';

export interface RateLimitOptions {
  redis: Redis;
  prefix: string;
  requests: number;
  windowSeconds: number;
}

/**
 * Per-key fixed-window limit kept in Redis, so it holds across every API
 * process. Redis being away is a 503, not a free pass: the same Redis carries
 * the work signals, so nothing could be accepted anyway. A limited request
 * gets the 429 whatever its route would have answered.
 */
export function rateLimit(opts: RateLimitOptions): MiddlewareHandler<AppEnv> {
  const limiter = new RateLimiterRedis({
    storeClient: opts.redis,
    useRedisPackage: false,
    keyPrefix: `${opts.prefix}:ratelimit`,
    points: opts.requests,
    duration: opts.windowSeconds,
  });
  const counter = new CoalescedCount(limiter);
  const verdict = async (keyId: string, logger: Logger): Promise<void> => {
    let counted: Counted;
    try {
      counted = await counter.count(keyId);
      noteRedisAnswered(opts.redis);
    } catch (err) {
      logger.warn({ err: { message: (err as Error)?.message } }, 'rate limiter unavailable');
      throw unavailable();
    }
    if (counted.count > opts.requests) {
      throw new ApiError(
        'rate_limited',
        'Too many requests for this API key. Retry after the indicated delay.',
        {
          retryAfterSeconds: Math.max(1, Math.ceil(counted.msBeforeNext / 1000)),
        },
      );
    }
  };
  return async (c, next) => {
    const counted = verdict(c.get('principal').keyId.toString(), c.get('logger'));
    if (!READS.has(c.req.method)) {
      // A limited write does nothing: the verdict comes first.
      await counted;
      await next();
      return;
    }
    // A read's query runs while Redis counts it (one round trip less of latency);
    // its answer waits for the verdict, and a limited read gets only the 429.
    // next() does not throw: Hono turns the route's error into its response.
    counted.catch(() => undefined);
    await next();
    try {
      await counted;
    } catch (err) {
      // Hono copies the withheld answer's headers onto the error response; a
      // Retry-After of the route's own (a 503) must not replace the limiter's.
      c.res.headers.delete('retry-after');
      throw err;
    }
  };
}

/** Methods that change nothing, so they may run before their verdict is known. */
const READS = new Set(['GET', 'HEAD']);
