import type { Queue } from 'bullmq';
import { JOB_CATALOGUE } from '../jobs/catalogue.js';

// Each enabled backup schedule is one BullMQ job scheduler on the maintenance
// queue, with an id derived from the deployment, so any number of scheduler
// processes upserting it converge on one scheduler that fires once per tick.
// Postgres holds the schedules; Redis only mirrors them (the scheduler's sync
// rebuilds the mirror after Redis loses its data).

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

export async function removeScheduleJob(queue: Queue, deploymentId: bigint | string): Promise<void> {
  await queue.removeJobScheduler(scheduleJobId(deploymentId));
}
