import { createRoute, type z } from '@hono/zod-openapi';
import { jsonResponse } from '../http/json-response.js';
import { serializeUpgrade } from '../serialize/upgrade.serializer.js';
import { getDeploymentUpgrade } from '../services/upgrades.service.js';
import { type ApiApp, callerOf, type RouteDeps } from './route-kit.js';
import { COMMON_ERRORS, errorResponses, security, upgradeParams, upgradeResponse } from './schemas.js';

export const getUpgradeRoute = createRoute({
  method: 'get',
  path: '/deployments/{deployment_id}/upgrades/{upgrade_id}',
  tags: ['Upgrades'],
  summary: 'Get an upgrade',
  description: 'One upgrade of the deployment, with its pre-upgrade backup. Requires deployment:read.',
  security,
  request: { params: upgradeParams },
  responses: {
    200: { description: 'The upgrade', content: { 'application/json': { schema: upgradeResponse } } },
    ...errorResponses(...COMMON_ERRORS),
  },
});

export function registerGetUpgrade(app: ApiApp, deps: RouteDeps): void {
  app.openapi(getUpgradeRoute, async (c) => {
    const { deployment_id, upgrade_id } = c.req.valid('param');
    const upgrade = await getDeploymentUpgrade(deps, callerOf(c), BigInt(deployment_id), BigInt(upgrade_id));
    return jsonResponse<z.infer<typeof upgradeResponse>>(c, serializeUpgrade(upgrade));
  });
}
