import type { OpenAPIHono, RouteConfig } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../http/context.js';
import type { Caller, ServiceDeps } from '../services/service-deps.js';

export type ApiApp = OpenAPIHono<AppEnv>;
export type RouteDeps = ServiceDeps;

export function callerOf(c: Context<AppEnv>): Caller {
  return { tenantId: c.get('principal').tenantId, logger: c.get('logger') };
}

/**
 * Puts a JSON request body in the OpenAPI document without zod-openapi's own
 * body validator, which would JSON.parse the text and round int64 ids. The
 * handler reads the body itself with readJsonBody.
 */
export function documentWithBody(
  app: ApiApp,
  route: RouteConfig,
  body: NonNullable<RouteConfig['request']>['body'],
): void {
  app.openAPIRegistry.registerPath({ ...route, request: { ...route.request, body } });
}
