import { createRoute } from '@hono/zod-openapi';
import { deleteDeploymentSchedule } from '../services/schedules.service.js';
import { type ApiApp, callerOf, type RouteDeps } from './route-kit.js';
import { COMMON_ERRORS, deploymentParams, errorResponses, security } from './schemas.js';

export const deleteScheduleRoute = createRoute({
  method: 'delete',
  path: '/deployments/{deployment_id}/backup-schedule',
  tags: ['Backup schedule'],
  summary: 'Delete the backup schedule',
  description: 'Stops scheduled backups; existing backups are kept. Requires deployment:manage.',
  security,
  request: { params: deploymentParams },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(...COMMON_ERRORS) },
});

export function registerDeleteSchedule(app: ApiApp, deps: RouteDeps): void {
  app.openapi(deleteScheduleRoute, async (c) => {
    const { deployment_id } = c.req.valid('param');
    await deleteDeploymentSchedule(deps, callerOf(c), BigInt(deployment_id));
    return c.body(null, 204);
  });
}
