import type { MiddlewareHandler } from 'hono';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { ApiError } from '../errors/codes.js';
import { unavailable } from '../errors/infra-errors.js';
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
 * the work signals, so nothing could be accepted anyway.
 */
export function rateLimit(opts: RateLimitOptions): MiddlewareHandler<AppEnv> {
  const limiter = new RateLimiterRedis({
    storeClient: opts.redis,
    useRedisPackage: false,
    keyPrefix: `${opts.prefix}:ratelimit`,
    points: opts.requests,
    duration: opts.windowSeconds,
  });
  return async (c, next) => {
    const keyId = c.get('principal').keyId.toString();
    try {
      await limiter.consume(keyId);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        throw new ApiError(
          'rate_limited',
          'Too many requests for this API key. Retry after the indicated delay.',
          {
            retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
          },
        );
      }
      c.get('logger').warn({ err: { message: (rejection as Error)?.message } }, 'rate limiter unavailable');
      throw unavailable();
    }
    await next();
  };
}
