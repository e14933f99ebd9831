import { createRoute } from '@hono/zod-openapi';
import { readJsonBody } from '../http/json-body.js';
import { requestUpgrade } from '../services/upgrades.service.js';
import { type ApiApp, callerOf, documentWithBody, type RouteDeps } from './route-kit.js';
import { COMMON_ERRORS, deploymentParams, errorResponses, security, upgradeBody } from './schemas.js';

export const createUpgradeRoute = createRoute({
  method: 'post',
  path: '/deployments/{deployment_id}/upgrade',
  tags: ['Upgrades'],
  summary: 'Upgrade the deployment',
  description:
    'Takes a pre_upgrade backup, then upgrades the deployment to target_version (nodes are restarted), ' +
    'in the order of the deployment’s other operations. If the backup fails, the upgrade is aborted and ' +
    'the deployment is left as it was. Requires deployment:manage.',
  security,
  request: { params: deploymentParams },
  responses: {
    204: {
      description: 'Accepted; Location names the upgrade',
      headers: { Location: { schema: { type: 'string' }, description: 'Path of the upgrade' } },
    },
    ...errorResponses(...COMMON_ERRORS, 409, 413),
  },
});

export function registerCreateUpgrade(app: ApiApp, deps: RouteDeps): void {
  documentWithBody(app, createUpgradeRoute, {
    required: true,
    content: { 'application/json': { schema: upgradeBody } },
  });
  app.openapi({ ...createUpgradeRoute, hide: true }, async (c) => {
    const { deployment_id } = c.req.valid('param');
    const body = await readJsonBody(c, upgradeBody, { allowEmpty: false });
    const deploymentId = BigInt(deployment_id);
    const upgradeId = await requestUpgrade(deps, callerOf(c), deploymentId, body.target_version);
    c.header('Location', `/deployments/${deploymentId}/upgrades/${upgradeId}`);
    return c.body(null, 204);
  });
}
