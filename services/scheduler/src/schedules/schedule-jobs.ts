import { JOB_CATALOGUE } from '@backups/shared/jobs';
import { getSchedule } from '@backups/shared/schedules';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Queue } from 'bullmq';

// Each enabled backup schedule is one BullMQ job scheduler on the maintenance
// queue, with an id derived from the deployment, so any number of scheduler
// processes upserting it converge on one scheduler that fires once per tick.
// Postgres holds the schedules; Redis only mirrors them, and only the scheduler
// writes the mirror: the API signals `schedule.sync` after saving a row, and
// the periodic sync rebuilds the mirror after a lost signal or lost Redis data.

export const SCHEDULE_JOB_PREFIX = 'backup-schedule-';

export function scheduleJobId(deploymentId: bigint | string): string {
  return `${SCHEDULE_JOB_PREFIX}${deploymentId}`;
}

export interface ScheduleSpec {
  deploymentId: bigint | string;
  cron: string;
  timezone: string;
  enabled: boolean;
}

export async function upsertScheduleJob(queue: Queue, spec: ScheduleSpec): Promise<void> {
  const id = scheduleJobId(spec.deploymentId);
  if (!spec.enabled) {
    await queue.removeJobScheduler(id);
    return;
  }
  const def = JOB_CATALOGUE['schedule.fire'];
  await queue.upsertJobScheduler(
    id,
    { pattern: spec.cron, tz: spec.timezone },
    { name: 'schedule.fire', data: { deploymentId: String(spec.deploymentId) }, opts: def.options },
  );
}

/** Makes one deployment's job scheduler match its schedule row (absent or disabled: no scheduler). */
export async function mirrorSchedule(
  em: EntityManager,
  queue: Queue,
  deploymentId: bigint,
): Promise<'upserted' | 'removed'> {
  const schedule = await getSchedule(em, deploymentId);
  if (!schedule?.enabled) {
    await queue.removeJobScheduler(scheduleJobId(deploymentId));
    return 'removed';
  }
  await upsertScheduleJob(queue, { ...schedule, deploymentId });
  return 'upserted';
}
