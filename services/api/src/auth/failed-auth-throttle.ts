import type { MiddlewareHandler } from 'hono';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, type RateLimiterRes } from 'rate-limiter-flexible';
import { ApiError } from '../errors/codes.js';
import { unavailable } from '../errors/infra-errors.js';
import { clientAddress } from '../http/client-address.js';
import type { AppEnv } from '../http/context.js';

export interface FailedAuthThrottleOptions {
  redis: Redis;
  /** Redis key prefix; each guarded door (tenant keys, operator login) gets its own. */
  prefix: string;
  /** Which door, for the log line. */
  scope: 'api-key' | 'operator';
  /** Failed authentications one address may make per window. */
  limit: number;
  windowSeconds: number;
  /** Proxies in front of the API whose X-Forwarded-For entries are believed (0: none). */
  trustedHops: number;
}

/**
 * Counts failed authentications (401s) per client address in Redis, so the
 * count holds across every API process. Once an address has used up its
 * failures, its requests are answered 429 before the credential is looked at:
 * no hash, no database query, for the rest of the window.
 *
 * Choices:
 * - A fixed window, not a sliding block: the count expires `windowSeconds`
 *   after the address's first failure, so a broken client behind a shared NAT
 *   locks its neighbours out for at most one window at a time.
 * - A success does not reset the count, and a valid credential from a
 *   throttled address is refused too: otherwise anyone holding one valid key
 *   could interleave it with guesses and never be throttled.
 * - Redis away is a 503, as for the per-key rate limit, on both doors: the
 *   tenant API needs Redis for everything it does, Bull Board is a view of
 *   Redis with nothing to show without it, and failing open would give a free
 *   run at the operator password to whoever can make Redis slow.
 * - Concurrent requests may each pass the check before the count is raised,
 *   so a burst can exceed the limit by its own concurrency, once per window.
 */
export function failedAuthThrottle(opts: FailedAuthThrottleOptions): MiddlewareHandler<AppEnv> {
  const limiter = new RateLimiterRedis({
    storeClient: opts.redis,
    useRedisPackage: false,
    keyPrefix: `${opts.prefix}:authfail:${opts.scope}`,
    points: opts.limit,
    duration: opts.windowSeconds,
  });
  return async (c, next) => {
    const address = clientAddress(c, opts.trustedHops);
    const seen = await redisCall(c, () => limiter.get(address));
    if (seen && seen.consumedPoints >= opts.limit) throw throttled(seen);
    await next();
    if (c.res.status !== 401) return;
    const counted = await redisCall(c, () => limiter.penalty(address, 1));
    // Exactly one request reaches the limit per window (Redis counts atomically): one line per window.
    if (counted.consumedPoints === opts.limit) {
      c.get('logger').warn(
        { address, failures: counted.consumedPoints, windowSeconds: opts.windowSeconds, scope: opts.scope },
        'authentication failures from this address are throttled until the window ends',
      );
    }
  };
}

function throttled(res: RateLimiterRes): ApiError {
  return new ApiError(
    'rate_limited',
    'Too many failed authentication attempts from this address. Retry after the indicated delay.',
    { retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) },
  );
}

async function redisCall<T>(c: Parameters<MiddlewareHandler<AppEnv>>[0], call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    c.get('logger').warn({ err: { message: (err as Error)?.message } }, 'auth failure throttle unavailable');
    throw unavailable();
  }
}
