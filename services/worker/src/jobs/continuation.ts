import { DelayedError, type Job } from 'bullmq';

/**
 * Puts the running job back as delayed and tells BullMQ not to complete it: the
 * continuation of a long operation holds no worker slot while it waits, and the
 * job keeps its id, so its deduplication key keeps covering the deployment.
 */
export async function continueLater(job: Job, token: string | undefined, delayMs: number): Promise<never> {
  await job.moveToDelayed(Date.now() + Math.max(0, Math.round(delayMs)), token);
  throw new DelayedError();
}
