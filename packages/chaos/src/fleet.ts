import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type RunningEc2Emulator, startEc2Emulator } from '@backups/ec2-emulator';
import { Fleet } from '@backups/local-fleet/processes';
import { freePort } from '@backups/release/service-process';
import { ensureDatabase } from '@backups/shared/db';
import { createMigratingOrm } from '@backups/shared/db/migrator';
import { WORKER_RUNTIME_ENV } from '@backups/worker/runtime';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ChaosOptions } from './options.js';
import type { Random } from './random.js';
import { CREDENTIALS, type Seeded, seedTenant } from './seed.js';

// The fleet under test, as `pnpm dev` runs it (packages/local-fleet's Fleet:
// real processes, each in its own process group, tied to this one by IPC) but
// on a database and Redis prefix of its own, with short leases and fast polls
// so that what a kill interrupts is taken over within seconds.

export const REGION = 'us-west-1';
/** A 16 GiB snapshot takes a few seconds; EBS's 15 s between snapshots of a volume is 0.3 s. */
const TIME_SCALE = 0.02;
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface UnexpectedExit {
  name: string;
  code: number | null;
  at: number;
}

export interface ChaosFleet {
  runId: string;
  databaseName: string;
  databaseUrl: string;
  prefix: string;
  apiUrl: string;
  logPath: string;
  emulator: RunningEc2Emulator;
  seeded: Seeded;
  fleet: Fleet;
  workers: string[];
  /** Each service's /readyz. */
  readyUrls: Map<string, string>;
  /** Services that died without being killed (restarted, and reported as a failure). */
  unexpectedExits: UnexpectedExit[];
  stop(): Promise<void>;
}

export function withDatabase(baseUrl: string, name: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function startChaosFleet(options: ChaosOptions, random: Random): Promise<ChaosFleet> {
  const runId = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const databaseName = `chaos_${runId}`;
  const databaseUrl = withDatabase(options.databaseBaseUrl, databaseName);
  const prefix = `chaos-${runId}`;
  const logPath = `/tmp/chaos-${runId}.log`;

  await ensureDatabase(databaseUrl);
  const orm = await createMigratingOrm({ databaseUrl, poolMax: 2 });
  let seeded: Seeded;
  const emulator = await startEc2Emulator({
    port: 0,
    host: '127.0.0.1',
    region: REGION,
    timeScale: TIME_SCALE,
  });
  try {
    await orm.migrator.up();
    seeded = await seedTenant(() => orm.em.fork() as EntityManager, {
      endpoint: emulator.endpoint,
      region: REGION,
      count: options.deployments,
      random,
    });
  } catch (err) {
    await emulator.stop();
    throw err;
  } finally {
    await orm.close();
  }

  const log = createWriteStream(logPath, { flags: 'a' });
  const unexpectedExits: UnexpectedExit[] = [];
  let stopping = false;
  const fleet: Fleet = new Fleet(
    REPO_ROOT,
    (line) => log.write(`${line}\n`),
    (name, code) => {
      // A service that dies by itself under chaos is a finding; it is started
      // again so that the soak goes on and the settle can still be judged.
      unexpectedExits.push({ name, code, at: Date.now() });
      log.write(`chaos      │ ${name} exited by itself (code ${code}); starting it again\n`);
      setTimeout(() => {
        if (!stopping && !fleet.running().includes(name)) fleet.restart(name);
      }, 1000);
    },
  );

  const common = {
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_MAX: '5',
    REDIS_URL: options.redisUrl,
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'warn',
    LOG_PRETTY: 'false',
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL_EC2: emulator.endpoint,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
  };
  const readyUrls = new Map<string, string>();
  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  readyUrls.set('api', `${apiUrl}/readyz`);
  fleet.start({
    name: 'api',
    entry: 'services/api/src/main.ts',
    // The load is one key's: the per-key rate limit is not what the soak is about.
    // METRICS_PORT 0: any free port, so two fleets (or a `pnpm dev`) on one machine never collide.
    env: {
      ...common,
      PORT: String(apiPort),
      METRICS_PORT: '0',
      HOST: '127.0.0.1',
      RATE_LIMIT_REQUESTS: '1000000',
    },
  });
  const workers: string[] = [];
  for (let i = 1; i <= options.workers; i++) {
    const name = `worker-${i}`;
    const port = await freePort();
    workers.push(name);
    readyUrls.set(name, `http://127.0.0.1:${port}/readyz`);
    fleet.start({
      name,
      entry: 'services/worker/src/main.ts',
      env: {
        ...common,
        ...WORKER_RUNTIME_ENV,
        METRICS_PORT: String(port),
        POLL_INTERVAL_MS: '1000',
        // A killed worker's operation is taken over after its lease: seconds, not a minute.
        OPERATION_LEASE_MS: '10000',
        JOB_LOCK_DURATION_MS: '10000',
        JOB_STALLED_INTERVAL_MS: '5000',
        SNAPSHOT_VOLUME_SPACING_MS: String(Math.round(15_000 * TIME_SCALE)),
        EC2_MUTATING_RATE_PER_SEC: '10',
        EC2_MUTATING_BURST: '40',
        SHUTDOWN_TIMEOUT_MS: '5000',
      },
    });
  }
  const schedulerPort = await freePort();
  readyUrls.set('scheduler', `http://127.0.0.1:${schedulerPort}/readyz`);
  fleet.start({
    name: 'scheduler',
    entry: 'services/scheduler/src/main.ts',
    // The orphan safety delay and the replaced-volume grace keep their defaults
    // (an hour, a day): the cleanup runs during the soak but removes nothing,
    // so the end checks see what the workers left behind (see the README).
    env: {
      ...common,
      METRICS_PORT: String(schedulerPort),
      RECONCILE_EVERY_MS: '10000',
      CLEANUP_EVERY_MS: '60000',
      SHUTDOWN_TIMEOUT_MS: '5000',
    },
  });

  return {
    runId,
    databaseName,
    databaseUrl,
    prefix,
    apiUrl,
    logPath,
    emulator,
    seeded,
    fleet,
    workers,
    readyUrls,
    unexpectedExits,
    async stop() {
      stopping = true;
      await fleet.stop(15_000);
      await emulator.stop();
      await new Promise((resolve) => log.end(resolve));
    },
  };
}

/** Waits until the named service answers /readyz with 200, or the time is up. */
export async function waitReady(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2000) })).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}
