import type { MiddlewareHandler } from 'hono';

/**
 * Tenant JSON (backups, restores, schedules, and the errors about them) must
 * not be kept by browsers or shared caches: a proxy or the back button would
 * otherwise show one key's answers after it was revoked or to someone else.
 * Set after the route and the error handler ran, so every answer gets it.
 */
export function noStore(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (!c.res.headers.has('cache-control')) c.res.headers.set('cache-control', 'no-store');
  };
}
