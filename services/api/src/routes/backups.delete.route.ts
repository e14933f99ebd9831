import { createRoute } from '@hono/zod-openapi';
import { deleteBackup } from '../services/backups.service.js';
import { type ApiApp, callerOf, type RouteDeps } from './route-kit.js';
import { backupParams, COMMON_ERRORS, errorResponses, security } from './schemas.js';

export const deleteBackupRoute = createRoute({
  method: 'delete',
  path: '/deployments/{deployment_id}/backups/{backup_id}',
  tags: ['Backups'],
  summary: 'Delete a backup',
  description:
    'Marks the backup deleting and removes its snapshots in the background. Repeating the call while it is ' +
    'deleting is fine. Refused for pending or in-progress backups and backups being restored. Requires deployment:manage.',
  security,
  request: { params: backupParams },
  responses: {
    204: { description: 'Deletion accepted' },
    ...errorResponses(...COMMON_ERRORS, 409),
  },
});

export function registerDeleteBackup(app: ApiApp, deps: RouteDeps): void {
  app.openapi(deleteBackupRoute, async (c) => {
    const { deployment_id, backup_id } = c.req.valid('param');
    await deleteBackup(deps, callerOf(c), BigInt(deployment_id), BigInt(backup_id));
    return c.body(null, 204);
  });
}
