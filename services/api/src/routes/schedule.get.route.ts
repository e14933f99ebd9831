import { createRoute, type z } from '@hono/zod-openapi';
import { jsonResponse } from '../http/json-response.js';
import { serializeSchedule } from '../serialize/schedule.serializer.js';
import { getDeploymentSchedule } from '../services/schedules.service.js';
import { type ApiApp, callerOf, type RouteDeps } from './route-kit.js';
import { COMMON_ERRORS, deploymentParams, errorResponses, scheduleResponse, security } from './schemas.js';

export const getScheduleRoute = createRoute({
  method: 'get',
  path: '/deployments/{deployment_id}/backup-schedule',
  tags: ['Backup schedule'],
  summary: 'Get the backup schedule',
  description: "The deployment's recurring backup schedule with its next runs. Requires deployment:read.",
  security,
  request: { params: deploymentParams },
  responses: {
    200: { description: 'The schedule', content: { 'application/json': { schema: scheduleResponse } } },
    ...errorResponses(...COMMON_ERRORS),
  },
});

export function registerGetSchedule(app: ApiApp, deps: RouteDeps): void {
  app.openapi(getScheduleRoute, async (c) => {
    const { deployment_id } = c.req.valid('param');
    const schedule = await getDeploymentSchedule(deps, callerOf(c), BigInt(deployment_id));
    return jsonResponse<z.infer<typeof scheduleResponse>>(c, serializeSchedule(schedule));
  });
}
