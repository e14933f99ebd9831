import { type BackupSchedule, nextRuns } from '@backups/shared/schedules';
import { rfc3339 } from './timestamp.js';

/** The fields of a schedule row the API shows. */
export type ShownSchedule = Pick<
  BackupSchedule,
  | 'deploymentId'
  | 'cron'
  | 'timezone'
  | 'nodeId'
  | 'expiresInDays'
  | 'keepCount'
  | 'enabled'
  | 'createdAt'
  | 'updatedAt'
>;

/** The schedule, with its next three runs so a tenant can see what the cron and zone mean. */
export function serializeSchedule(s: ShownSchedule, now = new Date()) {
  return {
    deployment_id: s.deploymentId,
    cron: s.cron,
    timezone: s.timezone,
    node_id: s.nodeId ?? null,
    expires_in_days: s.expiresInDays ?? null,
    keep_count: s.keepCount ?? null,
    enabled: s.enabled,
    next_runs: s.enabled ? nextRuns(s.cron, s.timezone, now, 3).map(rfc3339) : [],
    created_at: rfc3339(s.createdAt),
    updated_at: rfc3339(s.updatedAt),
  };
}
