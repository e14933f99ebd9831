import { type Job, Worker, type WorkerOptions } from 'bullmq';
import type { Logger } from '../logging/logger.js';
import { JOB_CATALOGUE, type QueueName } from './catalogue.js';
import { checkHandlers, type JobHandler, parsePayload } from './job-handler.js';
import { createRedis } from './redis.js';

export interface JobWorkersOptions {
  /** The queues this process consumes; each gets one BullMQ Worker. */
  queues: readonly QueueName[];
  /** Exactly one handler per job of those queues (checked before any worker starts). */
  handlers: readonly JobHandler[];
  redisUrl: string;
  prefix: string;
  log: Logger;
  /** Concurrency, lock and stall settings: the one thing that differs per service. */
  options: Omit<WorkerOptions, 'connection' | 'prefix'>;
}

/**
 * Starts the workers of a service's queues: every job is routed by name to its
 * handler, its payload parsed against the job catalogue first, so a malformed
 * job fails loudly instead of reaching domain code. Resolves once every worker
 * is connected. The worker service and the scheduler both consume through here.
 */
export async function startJobWorkers(opts: JobWorkersOptions): Promise<Worker[]> {
  const problems = checkHandlers(opts.handlers, opts.queues);
  if (problems.length > 0) throw new Error(`refusing to start: ${problems.join('; ')}`);

  const workers = opts.queues.map((queue) => {
    const own = new Map(
      opts.handlers.filter((h) => JOB_CATALOGUE[h.name].queue === queue).map((h) => [h.name as string, h]),
    );
    const worker = new Worker(
      queue,
      async (job: Job, token?: string) => {
        const handler = own.get(job.name);
        if (!handler) throw new Error(`no handler for job ${job.name}`);
        await handler.run(parsePayload(handler.name, job.data) as never, job, token);
      },
      // Each worker gets its own connection: BullMQ blocks on it while it waits for jobs.
      { ...opts.options, connection: createRedis(opts.redisUrl, 'worker'), prefix: opts.prefix },
    );
    worker.on('failed', (job, err) =>
      opts.log.error({ err, jobId: job?.id, job: job?.name, queue }, 'job failed'),
    );
    worker.on('error', (err) => opts.log.error({ err, queue }, 'worker error'));
    return worker;
  });
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  return workers;
}
