import { createRoute, type z } from '@hono/zod-openapi';
import { jsonResponse } from '../http/json-response.js';
import { serializeBackup } from '../serialize/backup.serializer.js';
import { getDeploymentBackup } from '../services/backups.service.js';
import { type ApiApp, callerOf, type RouteDeps } from './route-kit.js';
import { backupParams, backupResponse, COMMON_ERRORS, errorResponses, security } from './schemas.js';

export const getBackupRoute = createRoute({
  method: 'get',
  path: '/deployments/{deployment_id}/backups/{backup_id}',
  tags: ['Backups'],
  summary: 'Get a backup',
  description: 'One backup of the deployment. Requires deployment:read.',
  security,
  request: { params: backupParams },
  responses: {
    200: { description: 'The backup', content: { 'application/json': { schema: backupResponse } } },
    ...errorResponses(...COMMON_ERRORS),
  },
});

export function registerGetBackup(app: ApiApp, deps: RouteDeps): void {
  app.openapi(getBackupRoute, async (c) => {
    const { deployment_id, backup_id } = c.req.valid('param');
    const backup = await getDeploymentBackup(deps, callerOf(c), BigInt(deployment_id), BigInt(backup_id));
    return jsonResponse<z.infer<typeof backupResponse>>(c, serializeBackup(backup));
  });
}
