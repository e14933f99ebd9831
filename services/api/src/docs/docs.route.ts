import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SAME_ORIGIN_CSP, securityHeadersMiddleware } from '../http/security-headers.js';
import type { ApiApp } from '../routes/route-kit.js';

// The reference page must work offline, so Swagger UI's bundle is served from
// the installed swagger-ui-dist package rather than a CDN.
const require = createRequire(import.meta.url);
const ASSET_DIR = dirname(require.resolve('swagger-ui-dist/package.json'));
// A Map: the file name comes from the request, and an object literal would
// answer `constructor` or `valueOf` with what it inherits.
const ASSETS = new Map<string, string>([
  ['swagger-ui.css', 'text/css; charset=utf-8'],
  ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
]);

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>Backups API reference</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css" />
</head>
<body>
  <div id="reference"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#reference', deepLinking: true, tryItOutEnabled: true, validatorUrl: null });`;

export function registerDocs(app: ApiApp): void {
  // Users paste their API key into this page: only our own files may run on it
  // and no other site may frame it. Registered before the routes, so it wraps
  // them (and their 404s).
  const headers = securityHeadersMiddleware(SAME_ORIGIN_CSP);
  for (const path of ['/docs', '/docs/*', '/openapi.json']) app.use(path, headers);
  app.openAPIRegistry.registerComponent('securitySchemes', 'ApiKey', {
    type: 'apiKey',
    in: 'header',
    name: 'ld-api-key',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'LaserData Cloud Backups API',
      version: '1.0.0',
      description:
        'EBS snapshot backups of deployments: list, create, restore and delete. Authenticate with the ld-api-key header.',
    },
  });
  const cache = new Map<string, string>();
  app.get('/docs', (c) => c.html(PAGE));
  app.get('/docs/init.js', (c) => c.body(INIT, 200, { 'content-type': 'text/javascript; charset=utf-8' }));
  app.get('/docs/assets/:file', (c) => {
    const file = c.req.param('file');
    const type = ASSETS.get(file);
    if (type === undefined) return c.notFound();
    let content = cache.get(file);
    if (content === undefined) {
      content = readFileSync(join(ASSET_DIR, file), 'utf8');
      cache.set(file, content);
    }
    return c.body(content, 200, { 'content-type': type, 'cache-control': 'public, max-age=86400' });
  });
}
