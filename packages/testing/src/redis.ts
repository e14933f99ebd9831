import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { TEST_REDIS_URL } from './test-env.js';

export interface TestRedis {
  readonly url: string;
  /** A BullMQ prefix no other test file uses. */
  readonly prefix: string;
  /** A connection for BullMQ workers and queues (maxRetriesPerRequest: null). */
  connection(): Redis;
}

async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

/** Gives the calling test file its own queue prefix; its keys and connections are removed afterwards. */
export function useTestRedis(): TestRedis {
  const prefix = `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const opened: Redis[] = [];
  afterAll(async () => {
    const cleaner = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    await deleteKeys(cleaner, `${prefix}:*`);
    await cleaner.quit();
    await Promise.all(opened.map((r) => r.quit().catch(() => r.disconnect())));
  });
  return {
    url: TEST_REDIS_URL,
    prefix,
    connection() {
      const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
      opened.push(redis);
      return redis;
    },
  };
}
