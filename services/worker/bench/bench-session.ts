import {
  type RunningEc2Emulator,
  type StartEc2EmulatorOptions,
  startEc2Emulator,
} from '@backups/ec2-emulator';
import { createMigratingOrm } from '@backups/shared/db/migrator';
import { JobQueues } from '@backups/shared/jobs';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Redis } from 'ioredis';
import pg from 'pg';
import { stopChildren } from './children.js';

// What every benchmark run owns and must give back: a fresh database, a Redis
// key prefix, an EC2 emulator, and the processes it spawned.

export const REGION = 'us-west-1';
export const CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface BenchSession {
  databaseUrl: string;
  prefix: string;
  redis: Redis;
  queues: JobQueues;
  emu: RunningEc2Emulator;
  /** A fresh EntityManager on the run's database. */
  em(): EntityManager;
  /** Stops the children, then drops the database and the prefix's keys. */
  close(): Promise<void>;
}

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  for (let cursor = '0'; ; ) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length) await redis.del(...keys);
    if (next === '0') return;
    cursor = next;
  }
}

export async function openBenchSession(emulator: StartEc2EmulatorOptions): Promise<BenchSession> {
  const stamp = Date.now();
  const dbName = `bt_db_${stamp}_bench`;
  const dbUrl = new URL(ADMIN_URL);
  dbUrl.pathname = `/${dbName}`;
  const prefix = `bench${stamp.toString(36)}`;
  await admin(`create database "${dbName}"`);
  const orm = await createMigratingOrm({ databaseUrl: dbUrl.toString(), poolMax: 8 });
  await orm.migrator.up();
  const emu = await startEc2Emulator({ port: 0, region: REGION, ...emulator });
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queues = new JobQueues(redis, prefix);
  return {
    databaseUrl: dbUrl.toString(),
    prefix,
    redis,
    queues,
    emu,
    em: () => orm.em.fork() as EntityManager,
    async close() {
      await stopChildren();
      await queues.close();
      // The baseline's queue lives under its own prefix, next to the fleet's.
      await deleteKeys(redis, `${prefix}*`);
      await redis.quit();
      await emu.stop();
      await orm.close(true);
      await admin(`drop database if exists "${dbName}" with (force)`);
    },
  };
}
