import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../errors/codes.js';
import type { AppEnv } from '../http/context.js';

/**
 * What Bull Board's UI needs and nothing more: its own scripts, styles,
 * images and API. Styles allow 'unsafe-inline' because the UI is built on
 * inline styles (the template's loading placeholder, <style> elements inside
 * its SVG icons: Chromium reports seven distinct ones with 'self' alone);
 * scripts stay 'self' only, which is what stops an injected script. No
 * third-party origin (see withoutThirdPartyFonts).
 */
export const BULL_BOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "manifest-src 'self'",
  // The page sets <base href> to the board's path.
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

// Bull Board's page links a stylesheet from a public font host. An operator's
// browser would tell that host it has the board open, and the CSP forbids it
// anyway (a console error on every load), so the link is removed from the
// page; the UI falls back to the system sans-serif.
const THIRD_PARTY_STYLESHEET = /<link\b[^>]*\bhref="https:\/\/[^"]*"[^>]*>\s*/gi;

export function withoutThirdPartyFonts(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    if (c.res.status !== 200 || !c.res.headers.get('content-type')?.startsWith('text/html')) return;
    const html = await c.res.text();
    const headers = new Headers(c.res.headers);
    headers.delete('content-length');
    c.res = new Response(html.replace(THIRD_PARTY_STYLESHEET, ''), { status: 200, headers });
  };
}

// A cross-site HTML form can send GET and POST with these content types (or
// none) without a CORS preflight; nothing else can leave a browser cross-site
// without one, and this API answers no preflight.
const FORM_CONTENT_TYPES = new Set([
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'text/plain',
]);

/**
 * CSRF defence for write mode. The operator's browser attaches its cached
 * Basic credentials to any request to this host, including one a hostile page
 * makes it send, so a request that changes queues must
 * 1. come from this origin: Sec-Fetch-Site (set by the browser, not by page
 *    script) when present, else Origin, else Referer, compared with Host; and
 * 2. be one a cross-site form cannot make: PUT/PATCH/DELETE, or a POST whose
 *    Content-Type is not a form type. Bull Board's UI (axios) sends PUT and
 *    PATCH for actions and a JSON POST to add a job, so it passes unchanged.
 * (Bull Board reads any body as JSON whatever its Content-Type, so a text/plain
 * form shaped like JSON would otherwise add a job.)
 */
export function boardCsrfGuard(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return next();
    if (
      !isSameOrigin(
        c.req.header('sec-fetch-site'),
        c.req.header('origin'),
        c.req.header('referer'),
        c.req.header('host'),
      )
    ) {
      throw refused('it did not come from this origin');
    }
    const contentType = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (method === 'POST' && (contentType === '' || FORM_CONTENT_TYPES.has(contentType))) {
      throw refused('a POST must carry Content-Type: application/json');
    }
    await next();
  };
}

function isSameOrigin(
  fetchSite: string | undefined,
  origin: string | undefined,
  referer: string | undefined,
  host: string | undefined,
): boolean {
  if (fetchSite !== undefined) return fetchSite === 'same-origin';
  if (!host) return false;
  const source = origin ?? referer;
  if (source === undefined) return false;
  try {
    return new URL(source).host === host.toLowerCase();
  } catch {
    // Origin "null" (sandboxed frames, some redirects) and garbage are not this origin.
    return false;
  }
}

function refused(why: string): ApiError {
  return new ApiError(
    'forbidden',
    `This request would change queues, and ${why}. Use the board's page, or send Origin and a JSON Content-Type.`,
  );
}
