import type { Redis } from 'ioredis';

/** Deletes every key under the fleet's prefix (queues, job schedulers, the snapshot ledger, rate limits). */
export async function deleteFleetKeys(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}
