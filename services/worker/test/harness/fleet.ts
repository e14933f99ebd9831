import { type RunningEc2Emulator, startEc2Emulator } from '@backups/ec2-emulator';
import { createLogger } from '@backups/shared';
import { JobQueues } from '@backups/shared/jobs';
import { type TestDatabase, type TestRedis, useTestDatabase, useTestRedis } from '@backups/testing';
import type { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll } from 'vitest';
import { workerEnvSchema } from '../../src/env.js';
import { startWorkerApp, type WorkerApp } from '../../src/worker-app.js';
import { type FleetEnv, workerEnv } from './processes.js';
import { REGION } from './seed.js';

export interface TestFleet {
  db: TestDatabase;
  redis: TestRedis;
  emu: RunningEc2Emulator;
  queues: JobQueues;
  env: FleetEnv;
  em(): EntityManager;
  /** A worker running inside the test process (for tests where process boundaries do not matter). */
  startInProcessWorker(extra?: Record<string, string>): Promise<WorkerApp>;
}

/** Per test file: its own database, Redis prefix, and EC2 emulator at a tiny time scale. */
export function useTestFleet(opts: { timeScale?: number } = {}): TestFleet {
  const db = useTestDatabase();
  const redis = useTestRedis();
  let emu: RunningEc2Emulator | undefined;
  let queues: JobQueues | undefined;
  const apps: WorkerApp[] = [];
  beforeAll(async () => {
    emu = await startEc2Emulator({ port: 0, region: REGION, timeScale: opts.timeScale ?? 0.0005 });
    queues = new JobQueues(redis.connection(), redis.prefix);
  });
  afterAll(async () => {
    for (const app of apps) await app.stop();
    await queues?.close();
    await emu?.stop();
  });
  const fleet: TestFleet = {
    db,
    redis,
    get emu() {
      if (!emu) throw new Error('emulator not started');
      return emu;
    },
    get queues() {
      if (!queues) throw new Error('queues not ready');
      return queues;
    },
    get env() {
      return { databaseUrl: db.url, redisUrl: redis.url, prefix: redis.prefix, endpoint: fleet.emu.endpoint };
    },
    em: () => db.orm.em.fork() as EntityManager,
    async startInProcessWorker(extra = {}) {
      const config = workerEnvSchema.parse(workerEnv(fleet.env, extra));
      const log = createLogger({ service: 'worker-test', level: config.LOG_LEVEL, pretty: false });
      const app = await startWorkerApp(config, log);
      apps.push(app);
      return {
        ...app,
        stop: async () => {
          apps.splice(apps.indexOf(app), 1);
          await app.stop();
        },
      };
    },
  };
  return fleet;
}

/** Reads one row's columns by SQL (ids as text). */
export async function row<T extends object>(
  em: EntityManager,
  sql: string,
  params: unknown[] = [],
): Promise<T | undefined> {
  const [r] = await em.getConnection().execute<T[]>(sql, params);
  return r;
}

export async function all<T extends object>(
  em: EntityManager,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  return em.getConnection().execute<T[]>(sql, params);
}
