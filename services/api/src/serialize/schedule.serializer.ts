import { nextRuns } from '@backups/shared/schedules';
import { rfc3339 } from './timestamp.js';

export interface ScheduleView {
  deploymentId: bigint;
  cron: string;
  timezone: string;
  nodeId: bigint | null;
  expiresInDays: number | null;
  keepCount: number | null;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** The schedule, with its next three runs so a tenant can see what the cron and zone mean. */
export function serializeSchedule(s: ScheduleView, now = new Date()) {
  return {
    deployment_id: s.deploymentId,
    cron: s.cron,
    timezone: s.timezone,
    node_id: s.nodeId,
    expires_in_days: s.expiresInDays,
    keep_count: s.keepCount,
    enabled: s.enabled,
    next_runs: s.enabled ? nextRuns(s.cron, s.timezone, now, 3).map(rfc3339) : [],
    created_at: rfc3339(s.createdAt),
    updated_at: rfc3339(s.updatedAt),
  };
}
