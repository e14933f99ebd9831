import type { Context, MiddlewareHandler } from 'hono';
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
 * failures, a credential from it that this process cannot vouch for is
 * answered 429 before it is looked at: no hash check against the database, no
 * query, for the rest of the window.
 *
 * Choices:
 * - A fixed window, not a sliding block: the count expires `windowSeconds`
 *   after the address's first failure, so a broken client behind a shared NAT
 *   locks its neighbours out for at most one window at a time.
 * - A success does not reset the count: interleaving a valid key with guesses
 *   does not buy the guesses more tries.
 * - A key this process has already found valid (it is in the key cache) skips
 *   the check: it is not a guess and costs no query, so the throttle has
 *   nothing to save, and a NAT neighbour with a working key keeps working while
 *   a broken client behind the same address is throttled. It also keeps a
 *   Redis read off every authenticated request. Any other credential from a
 *   throttled address, a valid but not yet seen key included, waits.
 * - Redis away is a 503, as for the per-key rate limit, on both doors: the
 *   tenant API needs Redis for everything it does, Bull Board is a view of
 *   Redis with nothing to show without it, and failing open would give a free
 *   run at the operator password to whoever can make Redis slow.
 * - Concurrent requests may each pass the check before the count is raised,
 *   so a burst can exceed the limit by its own concurrency, once per window.
 */
export class FailedAuthThrottle {
  private readonly limiter: RateLimiterRedis;

  constructor(private readonly opts: FailedAuthThrottleOptions) {
    this.limiter = new RateLimiterRedis({
      storeClient: opts.redis,
      useRedisPackage: false,
      keyPrefix: `${opts.prefix}:authfail:${opts.scope}`,
      points: opts.limit,
      duration: opts.windowSeconds,
    });
  }

  /** Throws 429 `rate_limited` when the request's address has used up its failures. */
  async refuseIfThrottled(c: Context<AppEnv>): Promise<void> {
    const seen = await redisCall(c, () => this.limiter.get(this.address(c)));
    if (seen && seen.consumedPoints >= this.opts.limit) throw throttled(seen);
  }

  /** Counts one failed authentication of the request's address. */
  async countFailure(c: Context<AppEnv>): Promise<void> {
    const address = this.address(c);
    const counted = await redisCall(c, () => this.limiter.penalty(address, 1));
    // Exactly one request reaches the limit per window (Redis counts atomically): one line per window.
    if (counted.consumedPoints === this.opts.limit) {
      c.get('logger').warn(
        {
          address,
          failures: counted.consumedPoints,
          windowSeconds: this.opts.windowSeconds,
          scope: this.opts.scope,
        },
        'authentication failures from this address are throttled until the window ends',
      );
    }
  }

  /** For a door that answers a failure with a 401 response (operator Basic auth): check, then count. */
  middleware(): MiddlewareHandler<AppEnv> {
    return async (c, next) => {
      await this.refuseIfThrottled(c);
      await next();
      if (c.res.status === 401) await this.countFailure(c);
    };
  }

  private address(c: Context<AppEnv>): string {
    return clientAddress(c, this.opts.trustedHops);
  }
}

function throttled(res: RateLimiterRes): ApiError {
  return new ApiError(
    'rate_limited',
    'Too many failed authentication attempts from this address. Retry after the indicated delay.',
    { retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) },
  );
}

async function redisCall<T>(c: Context<AppEnv>, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    c.get('logger').warn({ err: { message: (err as Error)?.message } }, 'auth failure throttle unavailable');
    throw unavailable();
  }
}
