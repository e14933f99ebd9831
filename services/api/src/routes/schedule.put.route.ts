import { createRoute, type z } from '@hono/zod-openapi';
import { readJsonBody } from '../http/json-body.js';
import { jsonResponse } from '../http/json-response.js';
import { serializeSchedule } from '../serialize/schedule.serializer.js';
import { putDeploymentSchedule } from '../services/schedules.service.js';
import { type ApiApp, callerOf, documentWithBody, type RouteDeps } from './route-kit.js';
import {
  COMMON_ERRORS,
  deploymentParams,
  errorResponses,
  scheduleBody,
  scheduleResponse,
  security,
} from './schemas.js';

export const putScheduleRoute = createRoute({
  method: 'put',
  path: '/deployments/{deployment_id}/backup-schedule',
  tags: ['Backup schedule'],
  summary: 'Create or replace the backup schedule',
  description:
    'Scheduled backups are created at the cron times in the given time zone (DST handled). At the plan ' +
    'limit the oldest completed scheduled backup is rotated out. Requires deployment:manage.',
  security,
  request: { params: deploymentParams },
  responses: {
    200: { description: 'The saved schedule', content: { 'application/json': { schema: scheduleResponse } } },
    ...errorResponses(...COMMON_ERRORS, 413, 422),
  },
});

export function registerPutSchedule(app: ApiApp, deps: RouteDeps): void {
  documentWithBody(app, putScheduleRoute, {
    required: true,
    content: { 'application/json': { schema: scheduleBody } },
  });
  app.openapi({ ...putScheduleRoute, hide: true }, async (c) => {
    const { deployment_id } = c.req.valid('param');
    const body = await readJsonBody(c, scheduleBody, { allowEmpty: false });
    const schedule = await putDeploymentSchedule(deps, callerOf(c), BigInt(deployment_id), {
      cron: body.cron.trim(),
      timezone: body.timezone,
      nodeId: body.node_id ?? null,
      expiresInDays: body.expires_in_days ?? null,
      keepCount: body.keep_count ?? null,
      enabled: body.enabled,
    });
    return jsonResponse<z.infer<typeof scheduleResponse>>(c, serializeSchedule(schedule));
  });
}
