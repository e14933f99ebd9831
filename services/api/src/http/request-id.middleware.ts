import { randomUUID } from 'node:crypto';
import type { Logger } from '@backups/shared';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.js';

// A caller's own request id is kept when it is sane, so one id follows a
// request through a gateway, our logs and the error body.
const SANE_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export function requestIdMiddleware(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // Hono's trie router (used once Bull Board's routes are mounted) runs '*'
    // middleware twice for a path with a literal `*` segment; a second id would
    // make the error body's request_id differ from the header's.
    if (c.get('requestId') !== undefined) return next();
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && SANE_ID.test(incoming) ? incoming : randomUUID();
    c.set('requestId', requestId);
    c.set('logger', logger.child({ request_id: requestId }));
    c.header('x-request-id', requestId);
    const started = performance.now();
    await next();
    // Set again: an error response built by onError replaces the headers set above.
    c.res.headers.set('x-request-id', requestId);
    c.get('logger').debug(
      {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      },
      'request',
    );
  };
}
