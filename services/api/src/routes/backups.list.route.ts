import { createRoute, z } from '@hono/zod-openapi';
import { jsonResponse } from '../http/json-response.js';
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
    const backups = await listDeploymentBackups(deps, callerOf(c), BigInt(deployment_id));
    return jsonResponse<z.infer<typeof backupResponse>[]>(c, backups.map(serializeBackup));
  });
}
