import type { Job } from 'bullmq';
import { type LogFields, withLogContext } from '../logging/log-context.js';
import { JOB_CATALOGUE, type JobName, type JobPayload, type QueueName } from './catalogue.js';

/** A thin job handler: its name ties it to the catalogue, which types its payload. */
export interface JobHandler<N extends JobName = JobName> {
  name: N;
  run(payload: JobPayload<N>, job: Job, token: string | undefined): Promise<void>;
}

export function defineJobHandler<N extends JobName>(
  name: N,
  run: (payload: JobPayload<N>, job: Job, token: string | undefined) => Promise<void>,
): JobHandler<N> {
  // Every line logged while the job runs names the job and the ids of its payload
  // (deployment, backup), whichever logger the code below happens to hold.
  return {
    name,
    run: (payload, job, token) =>
      withLogContext({ jobId: job.id, job: name, ...payloadIds(payload) }, () => run(payload, job, token)),
  };
}

/** The string id fields of a payload (`deploymentId`, `backupId`, ...): payloads carry ids, never secrets. */
function payloadIds(payload: unknown): LogFields {
  if (typeof payload !== 'object' || payload === null) return {};
  const ids: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload)) {
    if (key.endsWith('Id') && typeof value === 'string') ids[key] = value;
  }
  return ids;
}

/**
 * Every job of the queues this worker consumes has exactly one handler, and
 * every handler belongs to one of them; otherwise the worker refuses to start
 * (a job with no handler would sit in Redis forever, two would be ambiguous).
 */
export function checkHandlers(handlers: readonly JobHandler[], queues: readonly QueueName[]): string[] {
  const problems: string[] = [];
  const byName = new Map<string, number>();
  for (const h of handlers) byName.set(h.name, (byName.get(h.name) ?? 0) + 1);
  for (const [name, def] of Object.entries(JOB_CATALOGUE)) {
    if (!queues.includes(def.queue)) continue;
    const n = byName.get(name) ?? 0;
    if (n === 0) problems.push(`job ${name} (queue ${def.queue}) has no handler`);
    if (n > 1) problems.push(`job ${name} has ${n} handlers`);
  }
  for (const h of handlers) {
    if (!queues.includes(JOB_CATALOGUE[h.name].queue))
      problems.push(`handler ${h.name} is for a queue this worker does not consume`);
  }
  return problems;
}

export function parsePayload<N extends JobName>(name: N, data: unknown): JobPayload<N> {
  return JOB_CATALOGUE[name].payload.parse(data) as JobPayload<N>;
}
