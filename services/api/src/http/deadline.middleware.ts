import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../errors/codes.js';
import type { AppEnv } from './context.js';

/**
 * Bounds how long a request may take. A dependency that hangs rather than
 * refuses (a stalled network path to Postgres or Redis) would otherwise hold
 * the caller until the pool's own 60 s acquire timeout; it becomes a 503 the
 * caller can retry. Work already in a transaction either commits or rolls back
 * on its own; a 503 after a commit is safe because the reconciler drives it.
 */
export function requestDeadline(ms: number): MiddlewareHandler<AppEnv> {
  return async (_c, next) => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new ApiError(
              'unavailable',
              'The request could not be completed in time. Retry after the indicated delay.',
              {
                retryAfterSeconds: 5,
              },
            ),
          ),
        ms,
      );
    });
    try {
      await Promise.race([next(), deadline]);
    } finally {
      clearTimeout(timer);
    }
  };
}
