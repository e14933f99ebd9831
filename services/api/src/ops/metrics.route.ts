import type { Metrics } from '@backups/shared/observability';
import type { ApiApp } from '../routes/route-kit.js';

/**
 * Prometheus text exposition. Not behind tenant auth (a scraper holds no API
 * key); keep it off the public ingress, as with /readyz.
 */
export function registerMetrics(app: ApiApp, metrics: Metrics): void {
  app.get('/metrics', async (c) => {
    const body = await metrics.registry.metrics();
    return c.body(body, 200, { 'content-type': metrics.registry.contentType });
  });
}
