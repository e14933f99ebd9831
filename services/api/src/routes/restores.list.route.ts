import { createRoute, z } from '@hono/zod-openapi';
import { jsonResponse } from '../http/json-response.js';
import { serializeRestore } from '../serialize/restore.serializer.js';
import { listDeploymentRestores } from '../services/restores.service.js';
import { type ApiApp, callerOf, type RouteDeps } from './route-kit.js';
import { COMMON_ERRORS, deploymentParams, errorResponses, restoreResponse, security } from './schemas.js';

export const listRestoresRoute = createRoute({
  method: 'get',
  path: '/deployments/{deployment_id}/restores',
  tags: ['Restores'],
  summary: 'List restores',
  description: 'Every restore of the deployment, newest first. Requires deployment:read.',
  security,
  request: { params: deploymentParams },
  responses: {
    200: {
      description: 'The restores',
      content: { 'application/json': { schema: z.array(restoreResponse) } },
    },
    ...errorResponses(...COMMON_ERRORS),
  },
});

export function registerListRestores(app: ApiApp, deps: RouteDeps): void {
  app.openapi(listRestoresRoute, async (c) => {
    const { deployment_id } = c.req.valid('param');
    const restores = await listDeploymentRestores(deps, callerOf(c), BigInt(deployment_id));
    return jsonResponse<z.infer<typeof restoreResponse>[]>(c, restores.map(serializeRestore));
  });
}
