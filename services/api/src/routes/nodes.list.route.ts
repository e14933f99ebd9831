import { createRoute, z } from '@hono/zod-openapi';
import { jsonResponse } from '../http/json-response.js';
import { serializeNode } from '../serialize/node.serializer.js';
import { listNodes } from '../services/nodes.service.js';
import { type ApiApp, callerOf, type RouteDeps } from './route-kit.js';
import { COMMON_ERRORS, deploymentParams, errorResponses, nodeResponse, security } from './schemas.js';

export const listNodesRoute = createRoute({
  method: 'get',
  path: '/deployments/{deployment_id}/nodes',
  tags: ['Nodes'],
  summary: 'List nodes',
  description:
    "The deployment's nodes, in registration order: the ids a backup's or a schedule's `node_id` may name. " +
    'Requires deployment:read.',
  security,
  request: { params: deploymentParams },
  responses: {
    200: {
      description: 'The nodes',
      content: { 'application/json': { schema: z.array(nodeResponse) } },
    },
    ...errorResponses(...COMMON_ERRORS),
  },
});

export function registerListNodes(app: ApiApp, deps: RouteDeps): void {
  app.openapi(listNodesRoute, async (c) => {
    const { deployment_id } = c.req.valid('param');
    const nodes = await listNodes(deps, callerOf(c), BigInt(deployment_id));
    return jsonResponse<z.infer<typeof nodeResponse>[]>(c, nodes.map(serializeNode));
  });
}
