import type { MiddlewareHandler } from 'hono';

// Pages we serve (the Console, the API reference, Bull Board) each bring their
// own CSP; the rest of the set is the same everywhere: no MIME sniffing, no
// referrer leaking ids in URLs, never inside someone else's frame.
const COMMON = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
} as const;

/**
 * A page built only from this origin's files (the Console, the API reference):
 * no inline script or style, no third-party origin, fetches to this origin only
 * (Swagger UI's "Try it out" included), images also as data: URLs (Swagger UI's
 * stylesheet draws its icons that way), never framed.
 */
export const SAME_ORIGIN_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The security headers for a page with this Content-Security-Policy. */
export function securityHeaders(csp: string): Record<string, string> {
  return { 'content-security-policy': csp, ...COMMON };
}

/** Sets those headers on whatever the routes below answer, error responses included. */
export function securityHeadersMiddleware(csp: string): MiddlewareHandler {
  const headers = Object.entries(securityHeaders(csp));
  return async (c, next) => {
    await next();
    for (const [name, value] of headers) c.res.headers.set(name, value);
  };
}
