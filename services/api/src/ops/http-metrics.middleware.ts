import type { Metrics } from '@backups/shared/observability';
import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { AppEnv } from '../http/context.js';

/**
 * The route template a request matched (`/deployments/:deploymentId/backups`),
 * never its raw path, so ids do not multiply the series. Middleware-only
 * matches (`use('*')`) do not count: a request no handler took is "unmatched".
 */
export function routeTemplate(c: Parameters<MiddlewareHandler<AppEnv>>[0]): string {
  const routes = matchedRoutes(c).filter((r) => r.method !== 'ALL');
  return routes.at(-1)?.path ?? 'unmatched';
}

/** Counts requests and observes latency by method, route template and status. */
export function httpMetrics(metrics: Metrics): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const route = routeTemplate(c);
    const method = c.req.method;
    metrics.httpRequests.inc({ method, route, status: String(c.res.status) });
    metrics.httpDuration.observe({ method, route }, (performance.now() - started) / 1000);
  };
}
