import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { JOB_CATALOGUE, type JobName, type JobPayload, QUEUE_NAMES, type QueueName } from './catalogue.js';

/** The producer side of every queue, with payloads checked against the catalogue. */
export class JobQueues {
  private readonly queues: Map<QueueName, Queue>;

  constructor(
    connection: Redis,
    readonly prefix: string,
  ) {
    this.queues = new Map(QUEUE_NAMES.map((name) => [name, new Queue(name, { connection, prefix })]));
  }

  queue(name: QueueName): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`unknown queue ${name}`);
    return queue;
  }

  all(): Queue[] {
    return [...this.queues.values()];
  }

  /**
   * Adds a job. Jobs with a dedup id are deduplicated while one is waiting; if
   * one is already running, one more is kept to run after it, so a signal sent
   * while the work is in flight is never lost. `wake` also brings a delayed job
   * with the same dedup id forward to now (a continuation waiting for an event
   * that has just happened).
   */
  async enqueue<N extends JobName>(
    name: N,
    payload: JobPayload<N>,
    delayMs = 0,
    opts: { wake?: boolean } = {},
  ): Promise<void> {
    const def = JOB_CATALOGUE[name];
    const data = def.payload.parse(payload);
    const dedupId = 'dedupId' in def ? (def.dedupId as (p: JobPayload<N>) => string)(payload) : undefined;
    await this.queue(def.queue).add(name, data, {
      ...def.options,
      ...(delayMs > 0 ? { delay: delayMs } : {}),
      ...(dedupId
        ? {
            deduplication: {
              id: dedupId,
              keepLastIfActive: true,
              ...(opts.wake ? { reschedule: true } : {}),
            },
          }
        : {}),
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((q) => q.close()));
  }
}
