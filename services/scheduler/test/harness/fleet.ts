import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EC2Client } from '@aws-sdk/client-ec2';
import { type RunningEc2Emulator, seedInstance, startEc2Emulator } from '@backups/ec2-emulator';
import { createLogger } from '@backups/shared';
import { Ec2Adapter } from '@backups/shared/ec2';
import { JobQueues } from '@backups/shared/jobs';
import { type TestDatabase, type TestRedis, useTestDatabase, useTestRedis } from '@backups/testing';
import type { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll } from 'vitest';
import { schedulerEnv } from '../../src/env.js';
import { type SchedulerApp, startSchedulerApp } from '../../src/scheduler-app.js';
import {
  type SchedulerProcess,
  spawnFromSource,
  useSchedulerProcesses,
  waitUntil,
} from './scheduler-process.js';

export { waitUntil as waitFor };

export const REGION = 'us-west-1';
// The worker runs as its own process from its source, as in `npm run dev`: the
// scheduler's tests never import another deployable's code.
const WORKER_DIR = fileURLToPath(new URL('../../../worker', import.meta.url));
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
const silent = createLogger({
  service: 'test',
  level: process.env.TEST_LOG_LEVEL ?? 'silent',
  pretty: false,
});

export interface SchedulerFleet {
  db: TestDatabase;
  redis: TestRedis;
  emu: RunningEc2Emulator;
  queues: JobQueues;
  em(): EntityManager;
  ec2Client(): EC2Client;
  /** Starts a worker process; resolves once it consumes its queues. */
  startWorker(): Promise<ChildProcess>;
  startScheduler(extra?: Record<string, string>): Promise<SchedulerApp>;
  /**
   * Starts a scheduler OS process with fast maintenance ticks and a short job
   * lock, so a killed process's job is run again within seconds.
   */
  startSchedulerProcess(extra?: Record<string, string>): SchedulerProcess;
  seedDeployment(opts?: { plan?: 'pro' | 'enterprise'; limit?: number | null }): Promise<bigint>;
}

/** Per test file: its own database, Redis prefix, EC2 emulator, scheduler apps in-process and worker processes. */
export function useSchedulerFleet(): SchedulerFleet {
  const db = useTestDatabase();
  const redis = useTestRedis();
  let emu: RunningEc2Emulator | undefined;
  let queues: JobQueues | undefined;
  const stops: Array<() => Promise<void>> = [];
  const spawnScheduler = useSchedulerProcesses();
  beforeAll(async () => {
    emu = await startEc2Emulator({ port: 0, region: REGION, timeScale: 0.0005 });
    queues = new JobQueues(redis.connection(), redis.prefix);
  });
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    await queues?.close();
    await emu?.stop();
  });
  const env = (): Record<string, string> => ({
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: redis.prefix,
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL_EC2: fleet.emu.endpoint,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  });
  const fleet: SchedulerFleet = {
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
    em: () => db.orm.em.fork() as EntityManager,
    ec2Client: () =>
      new EC2Client({ region: REGION, endpoint: fleet.emu.endpoint, credentials: CREDENTIALS }),
    async startWorker() {
      const worker = spawnFromSource(WORKER_DIR, {
        ...env(),
        // Its start-up line is what says it is ready.
        LOG_LEVEL: 'info',
        POLL_INTERVAL_MS: '20',
        // EBS's 15 s between snapshots of a volume, at the emulator's tiny time scale.
        SNAPSHOT_VOLUME_SPACING_MS: '10',
        EC2_MUTATING_RATE_PER_SEC: '1000',
        EC2_MUTATING_BURST: '1000',
        METRICS_PORT: '0',
      });
      stops.push(async () => void (await worker.stop()));
      await waitUntil('the worker to start', async () => {
        if (!worker.alive()) throw new Error(`worker exited: ${worker.output()}`);
        return worker.output().includes('"worker started"');
      });
      return worker.child;
    },
    async startScheduler(extra = {}) {
      const config = schedulerEnv.parse({
        ...env(),
        RECONCILE_EVERY_MS: '500',
        EXPIRE_EVERY_MS: '500',
        CLEANUP_EVERY_MS: '500',
        METRICS_PORT: '0',
        ...extra,
      });
      const app = await startSchedulerApp(config, silent);
      stops.push(() => app.stop());
      return app;
    },
    startSchedulerProcess(extra = {}) {
      const p = spawnScheduler({
        ...env(),
        RECONCILE_EVERY_MS: '500',
        EXPIRE_EVERY_MS: '500',
        CLEANUP_EVERY_MS: '500',
        // Renewed every 1.5 s while the process lives; a dead one's job is back in wait within ~4 s.
        JOB_LOCK_DURATION_MS: '3000',
        JOB_STALLED_INTERVAL_MS: '1000',
        // The tests read its "schedule fired" lines.
        LOG_LEVEL: 'info',
        ...extra,
      });
      stops.push(async () => void (await p.stop()));
      return p;
    },
    async seedDeployment(opts = {}) {
      const em = fleet.em();
      const client = fleet.ec2Client();
      const adapter = new Ec2Adapter({
        region: REGION,
        endpoint: fleet.emu.endpoint,
        credentials: CREDENTIALS,
      });
      try {
        const [tenant] = await em.execute<{ id: string }[]>(
          'insert into tenants (name, plan, backup_limit_override) values (?, ?, ?) returning id::text',
          ['acme', opts.plan ?? 'pro', opts.limit ?? null],
        );
        const [deployment] = await em.execute<{ id: string }[]>(
          `insert into deployments (tenant_id, name, cloud, region, storage_type, version)
           values (?, 'orders', 'aws', ?, 'network', '0.4.0') returning id::text`,
          [tenant?.id, REGION],
        );
        const seeded = await seedInstance(client, {
          az: `${REGION}a`,
          dataVolumes: [{ device: '/dev/sdf', sizeGiB: 4 }],
        });
        const [node] = await em.execute<{ id: string }[]>(
          `insert into nodes (deployment_id, name, instance_id, availability_zone) values (?, 'node-1', ?, ?) returning id::text`,
          [deployment?.id, seeded.instanceId, `${REGION}a`],
        );
        const [instance] = await adapter.describeInstances([seeded.instanceId]);
        for (const v of instance?.dataVolumes ?? []) {
          await em.execute(
            `insert into volumes (node_id, volume_id, device_name, size_gib, volume_type, iops, throughput, encrypted)
             values (?, ?, ?, ?, ?, ?, ?, ?)`,
            [node?.id, v.volumeId, v.device, v.sizeGiB, v.volumeType, v.iops, v.throughput, v.encrypted],
          );
        }
        return BigInt(deployment?.id ?? 0);
      } finally {
        client.destroy();
        adapter.destroy();
      }
    },
  };
  return fleet;
}

export async function backupsOf(em: EntityManager, deploymentId: bigint) {
  return em.execute<
    {
      id: string;
      name: string;
      backup_type: string;
      status: string;
      failure_reason: string | null;
      created_at: Date;
    }[]
  >(
    'select id::text, name, backup_type, status, failure_reason, created_at from backups where deployment_id = ? order by id',
    [deploymentId],
  );
}
