import type { Job, JobType } from 'bullmq';
import { scheduleJobId } from '../../src/schedules/schedule-jobs.js';
import { backupsOf, type SchedulerFleet } from './fleet.js';
import { waitUntil } from './scheduler-process.js';

// A deployment's schedule ticks as BullMQ saw them, beside the backups Postgres holds.

/** The instant a tick's job was due, from its id (repeat:<scheduler>:<millis>), which retries keep. */
export const tickAt = (job: Job) => Number(job.id?.split(':').at(-1));

/** The deployment's schedule.fire jobs in the given states. */
export async function ticks(fleet: SchedulerFleet, deploymentId: bigint, states: JobType[]): Promise<Job[]> {
  const jobs = await fleet.queues.queue('maintenance').getJobs(states);
  return jobs.filter((j) => j.name === 'schedule.fire' && j.data.deploymentId === deploymentId.toString());
}

/**
 * Waits until every tick due so far has run to its end (retries included), then
 * deletes the schedule row and waits until the sync has removed its job
 * scheduler and no tick is left to run. Returns the instant the ticks checked
 * by `tickLedger` end at: later ones may have found the schedule gone.
 */
export async function stopTicks(fleet: SchedulerFleet, deploymentId: bigint): Promise<number> {
  const until = Date.now();
  const pendingStates = ['waiting', 'active', 'delayed', 'prioritized'] as const;
  await waitUntil('the ticks due so far run to their end', async () =>
    (await ticks(fleet, deploymentId, [...pendingStates])).every((j) => tickAt(j) > until),
  );
  await fleet.em().execute('delete from backup_schedules where deployment_id = ?', [deploymentId]);
  await waitUntil('the schedule unmirrored and its ticks drained', async () => {
    const schedulers = await fleet.queues.queue('maintenance').getJobSchedulers(0, -1);
    if (schedulers.some((s) => s.key === scheduleJobId(deploymentId))) return false;
    return (await ticks(fleet, deploymentId, [...pendingStates])).length === 0;
  });
  return until;
}

/**
 * The ticks BullMQ ran for the deployment (job id and due instant), the ones
 * that failed for good, and the deployment's backups with their tick's key.
 */
export async function tickLedger(fleet: SchedulerFleet, deploymentId: bigint) {
  const completed = (await ticks(fleet, deploymentId, ['completed'])).map((j) => ({
    id: j.id ?? '',
    at: tickAt(j),
  }));
  const failed = (await ticks(fleet, deploymentId, ['failed'])).map((j) => ({
    id: j.id ?? '',
    reason: j.failedReason,
  }));
  const keys = await fleet
    .em()
    .execute<{ idempotency_key: string | null }[]>(
      'select idempotency_key from backups where deployment_id = ?',
      [deploymentId],
    );
  return {
    completed,
    failed,
    backups: await backupsOf(fleet.em(), deploymentId),
    keys: keys.map((k) => k.idempotency_key),
  };
}
