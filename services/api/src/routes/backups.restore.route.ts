import { createRoute, z } from '@hono/zod-openapi';
import { readJsonBody } from '../http/json-body.js';
import { startRestore } from '../services/restores.service.js';
import { type ApiApp, callerOf, type RouteDeps } from './route-kit.js';
import { backupParams, COMMON_ERRORS, errorResponses, security } from './schemas.js';

/** The documented restore call has no body; an empty JSON object is tolerated, anything else is refused. */
const restoreBody = z.strictObject({});

export const restoreBackupRoute = createRoute({
  method: 'post',
  path: '/deployments/{deployment_id}/backups/{backup_id}/restore',
  tags: ['Restores'],
  summary: 'Restore a backup',
  description:
    'Queues a restore of the deployment from a completed backup: its volumes are replaced by volumes made from ' +
    'the snapshots. Data written after the backup is lost. Requires deployment:manage.',
  security,
  request: { params: backupParams },
  responses: {
    204: {
      description: 'Accepted; Location names the restore',
      headers: { Location: { schema: { type: 'string' }, description: 'Path of the new restore' } },
    },
    ...errorResponses(...COMMON_ERRORS, 409, 422),
  },
});

export function registerRestoreBackup(app: ApiApp, deps: RouteDeps): void {
  app.openapi(restoreBackupRoute, async (c) => {
    const { deployment_id, backup_id } = c.req.valid('param');
    await readJsonBody(c, restoreBody, { allowEmpty: true });
    const deploymentId = BigInt(deployment_id);
    const restoreId = await startRestore(deps, callerOf(c), deploymentId, BigInt(backup_id));
    c.header('Location', `/deployments/${deploymentId}/restores/${restoreId}`);
    return c.body(null, 204);
  });
}
