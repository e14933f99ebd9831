import { stringifyJson } from '@backups/shared';
import { createRoute, z } from '@hono/zod-openapi';
import { jsonTextResponse } from '../http/json-response.js';
import { serializeBackup } from '../serialize/backup.serializer.js';
import { listDeploymentBackups } from '../services/backups.service.js';
import { type ApiApp, callerOf, type RouteDeps } from './route-kit.js';
import { backupResponse, COMMON_ERRORS, deploymentParams, errorResponses, security } from './schemas.js';

export const listBackupsRoute = createRoute({
  method: 'get',
  path: '/deployments/{deployment_id}/backups',
  tags: ['Backups'],
  summary: 'List backups',
  description: 'Every backup of the deployment, newest first. Requires deployment:read.',
  security,
  request: { params: deploymentParams },
  responses: {
    200: { description: 'The backups', content: { 'application/json': { schema: z.array(backupResponse) } } },
    ...errorResponses(...COMMON_ERRORS),
  },
});

export function registerListBackups(app: ApiApp, deps: RouteDeps): void {
  app.openapi(listBackupsRoute, async (c) => {
    const { deployment_id } = c.req.valid('param');
    const caller = callerOf(c);
    const deploymentId = BigInt(deployment_id);
    const render = async () =>
      stringifyJson((await listDeploymentBackups(deps, caller, deploymentId)).map(serializeBackup));
    const body = deps.listCache
      ? await deps.listCache.read(deploymentId, caller.tenantId, render)
      : await render();
    return jsonTextResponse<z.infer<typeof backupResponse>[]>(c, body);
  });
}
