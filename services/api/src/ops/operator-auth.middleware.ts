import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../errors/codes.js';
import { renderError } from '../errors/on-error.js';
import type { AppEnv } from '../http/context.js';

export interface OperatorCredentials {
  user: string;
  password: string;
}

// Both sides are hashed to the same length first, so the comparison takes the
// same time whatever the caller sent (timingSafeEqual alone throws on a length
// mismatch, which would leak the length).
const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** HTTP Basic auth for operator pages (Bull Board): not the tenant ld-api-key scheme. */
export function operatorAuth(credentials: OperatorCredentials): MiddlewareHandler<AppEnv> {
  const expected = digest(`${credentials.user}:${credentials.password}`);
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header.trim());
    const given = match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8') : '';
    if (given !== '' && timingSafeEqual(digest(given), expected)) return next();
    // No log line per failure (a guessing run would flood the log): the failed-auth
    // throttle in front logs once per window when an address is throttled.
    const res = renderError(
      c,
      new ApiError('unauthenticated', 'Operator credentials are required (HTTP Basic authentication).'),
    );
    res.headers.set('www-authenticate', 'Basic realm="backups-operators", charset="UTF-8"');
    return res;
  };
}
