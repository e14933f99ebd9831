import { Redis } from 'ioredis';

/**
 * Workers block on Redis and must retry forever (BullMQ requires
 * maxRetriesPerRequest: null); request-path producers must fail fast instead,
 * so the API can answer 503 rather than hang while Redis is away.
 *
 * Producers pipeline automatically: the commands issued within one turn of
 * the event loop (the rate-limit counts and job adds of every request that
 * arrived together) go out in one socket write, and each write is a syscall
 * that costs more than the command's own work. Workers block on their
 * connection, which a shared pipeline would stall, so they do not.
 */
export function createRedis(url: string, role: 'worker' | 'producer'): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    lazyConnect: false,
    enableAutoPipelining: role === 'producer',
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
}
