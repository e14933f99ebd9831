import { createRoute } from '@hono/zod-openapi';
import { readJsonBody } from '../http/json-body.js';
import { createBackup } from '../services/backups.service.js';
import { type ApiApp, callerOf, documentWithBody, type RouteDeps } from './route-kit.js';
import {
  COMMON_ERRORS,
  createBackupBody,
  deploymentParams,
  errorResponses,
  idempotencyHeaders,
  security,
} from './schemas.js';

export const createBackupRoute = createRoute({
  method: 'post',
  path: '/deployments/{deployment_id}/backups',
  tags: ['Backups'],
  summary: 'Create a backup',
  description:
    'Queues a backup of every node (or of node_id). It waits as pending while another backup runs. ' +
    'Requires deployment:manage and the Pro or Enterprise plan.',
  security,
  request: { params: deploymentParams, headers: idempotencyHeaders },
  responses: {
    204: {
      description: 'Accepted; Location names the new backup',
      headers: { Location: { schema: { type: 'string' }, description: 'Path of the new backup' } },
    },
    ...errorResponses(...COMMON_ERRORS, 409, 413, 422),
  },
});

export function registerCreateBackup(app: ApiApp, deps: RouteDeps): void {
  documentWithBody(app, createBackupRoute, {
    required: true,
    content: { 'application/json': { schema: createBackupBody } },
  });
  app.openapi({ ...createBackupRoute, hide: true }, async (c) => {
    const { deployment_id } = c.req.valid('param');
    const body = await readJsonBody(c, createBackupBody, { allowEmpty: false });
    const idempotencyKey = c.req.valid('header')['idempotency-key'];
    const deploymentId = BigInt(deployment_id);
    const backupId = await createBackup(deps, callerOf(c), deploymentId, {
      name: body.name,
      nodeId: body.node_id ?? null,
      backupType: body.backup_type,
      remarks: body.remarks ?? null,
      expiresInDays: body.expires_in_days ?? null,
      idempotencyKey: idempotencyKey === undefined ? null : `api:${idempotencyKey}`,
    });
    c.header('Location', `/deployments/${deploymentId}/backups/${backupId}`);
    return c.body(null, 204);
  });
}
