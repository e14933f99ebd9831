import { createRoute, type z } from '@hono/zod-openapi';
import { jsonResponse } from '../http/json-response.js';
import { serializeRestore } from '../serialize/restore.serializer.js';
import { getDeploymentRestore } from '../services/restores.service.js';
import { type ApiApp, callerOf, type RouteDeps } from './route-kit.js';
import { COMMON_ERRORS, errorResponses, restoreParams, restoreResponse, security } from './schemas.js';

export const getRestoreRoute = createRoute({
  method: 'get',
  path: '/deployments/{deployment_id}/restores/{restore_id}',
  tags: ['Restores'],
  summary: 'Get a restore',
  description: 'One restore of the deployment, with its current step. Requires deployment:read.',
  security,
  request: { params: restoreParams },
  responses: {
    200: { description: 'The restore', content: { 'application/json': { schema: restoreResponse } } },
    ...errorResponses(...COMMON_ERRORS),
  },
});

export function registerGetRestore(app: ApiApp, deps: RouteDeps): void {
  app.openapi(getRestoreRoute, async (c) => {
    const { deployment_id, restore_id } = c.req.valid('param');
    const restore = await getDeploymentRestore(deps, callerOf(c), BigInt(deployment_id), BigInt(restore_id));
    return jsonResponse<z.infer<typeof restoreResponse>>(c, serializeRestore(restore));
  });
}
