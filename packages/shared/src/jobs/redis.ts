import { Redis } from 'ioredis';

/**
 * Workers block on Redis and must retry forever (BullMQ requires
 * maxRetriesPerRequest: null); request-path producers must fail fast instead,
 * so the API can answer 503 rather than hang while Redis is away.
 */
export function createRedis(url: string, role: 'worker' | 'producer'): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    lazyConnect: false,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
}
