import type { Redis } from 'ioredis';

// When this process last heard Redis answer on a connection. The rate limiter
// counts every tenant request in Redis just before its route runs, so a create
// or delete can tell Redis is up from that answer instead of pinging again.

const answeredAt = new WeakMap<Redis, number>();

/** Redis has just answered a command on this connection. */
export function noteRedisAnswered(redis: Redis): void {
  answeredAt.set(redis, performance.now());
}

/** Whether Redis answered on this connection within the last `ms` and the connection is still up. */
export function redisAnsweredWithin(redis: Redis, ms: number): boolean {
  const at = answeredAt.get(redis);
  return redis.status === 'ready' && at !== undefined && performance.now() - at < ms;
}
