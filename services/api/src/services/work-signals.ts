import type { Logger } from '@backups/shared';
import type { JobName, JobPayload, JobQueues } from '@backups/shared/jobs';
import type { Redis } from 'ioredis';
import { unavailable } from '../errors/infra-errors.js';
import { noteRedisAnswered, redisAnsweredWithin } from './redis-liveness.js';

const PING_TIMEOUT_MS = 1_000;

/**
 * Refuses to accept work while Redis is away (503), so a tenant is not told
 * "accepted" for work whose signal would certainly be lost. The reconciler
 * would still pick it up, but minutes later; failing fast is the honest answer.
 * An answer heard within the ping's own timeout (the rate limiter's count of
 * this very request) is proof enough, so most requests send no ping.
 */
export async function assertRedisReachable(redis: Redis): Promise<void> {
  if (redis.status !== 'ready') throw unavailable();
  if (redisAnsweredWithin(redis, PING_TIMEOUT_MS)) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(unavailable()), PING_TIMEOUT_MS);
  });
  try {
    await Promise.race([redis.ping(), timeout]);
    noteRedisAnswered(redis);
  } catch {
    throw unavailable();
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Sends the signal for work already committed to Postgres. A failure here
 * loses nothing (the reconciler re-drives committed unfinished work), so it is
 * logged and the request still succeeds.
 */
export async function signalCommittedWork<N extends JobName>(
  queues: JobQueues,
  logger: Logger,
  name: N,
  payload: JobPayload<N>,
): Promise<void> {
  try {
    await queues.enqueue(name, payload);
  } catch (err) {
    logger.warn(
      { err: { message: (err as Error).message }, job: name, payload },
      'enqueue after commit failed; the reconciler will re-drive',
    );
  }
}
