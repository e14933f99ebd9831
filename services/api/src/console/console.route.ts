import { readFileSync } from 'node:fs';
import { idString } from '@backups/shared';
import { SAME_ORIGIN_CSP, securityHeaders } from '../http/security-headers.js';
import { invalidRequest } from '../http/validation.js';
import type { ApiApp } from '../routes/route-kit.js';

// The Console's Backups tab: a static page and a few ES modules, no build
// step and no CDN, so it works offline. The page itself is public; the browser
// calls the REST API with the tenant's key, so these routes sit outside the
// ld-api-key middleware (which guards /deployments/* only).

const ASSET_DIR = new URL('./assets/', import.meta.url);

/**
 * Every file the page may load; anything else under /console/assets is a 404.
 * A Map, not an object literal: a lookup by the request's file name must never
 * find an inherited `constructor` or `__proto__`.
 */
const ASSETS = new Map<string, string>([
  ['console.css', 'text/css; charset=utf-8'],
  ['console.js', 'text/javascript; charset=utf-8'],
  ['api-client.js', 'text/javascript; charset=utf-8'],
  ['backups-table.js', 'text/javascript; charset=utf-8'],
  ['restores-table.js', 'text/javascript; charset=utf-8'],
  ['keyed-rows.js', 'text/javascript; charset=utf-8'],
  ['dialogs.js', 'text/javascript; charset=utf-8'],
  ['format.js', 'text/javascript; charset=utf-8'],
  ['int64-json.js', 'text/javascript; charset=utf-8'],
  ['schedule-panel.js', 'text/javascript; charset=utf-8'],
  ['schedule-format.js', 'text/javascript; charset=utf-8'],
]);

const SECURITY_HEADERS = securityHeaders(SAME_ORIGIN_CSP);

// Read once: the files ship with the code and never change while it runs.
const files = new Map<string, string>();
function asset(name: string): string {
  let content = files.get(name);
  if (content === undefined) {
    content = readFileSync(new URL(name, ASSET_DIR), 'utf8');
    files.set(name, content);
  }
  return content;
}

export function registerConsole(app: ApiApp): void {
  app.get('/console/deployments/:deployment_id', (c) => {
    // Only the id's shape is checked here; whether the caller may see the
    // deployment is the API's answer to the page's first request.
    if (!idString.safeParse(c.req.param('deployment_id')).success) {
      throw invalidRequest('The path is not valid; ids must be positive 64-bit integers.', [
        { field: 'path.deployment_id', message: 'must be a positive 64-bit integer' },
      ]);
    }
    return c.body(asset('console.html'), 200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
    });
  });
  app.get('/console/assets/:file', (c) => {
    const file = c.req.param('file');
    const type = ASSETS.get(file);
    if (type === undefined) return c.notFound();
    return c.body(asset(file), 200, {
      ...SECURITY_HEADERS,
      'content-type': type,
      // Short: a deploy must reach open consoles soon without fingerprinted names.
      'cache-control': 'public, max-age=300',
    });
  });
}
