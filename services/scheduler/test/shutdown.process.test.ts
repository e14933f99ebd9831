import { type RunningEc2Emulator, startEc2Emulator } from '@backups/ec2-emulator';
import { JobQueues } from '@backups/shared/jobs';
import { sampleValue, scrape, seedDeployment, useTestDatabase, useTestRedis } from '@backups/testing';
import type { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SchedulerProcess, useSchedulerProcesses, waitUntil } from './harness/scheduler-process.js';

// The scheduler as a real OS process: SIGTERM ends it cleanly (exit 0, before
// its own shutdown timeout, which exits 1), and the job schedulers it upserted
// live in Redis, so a restarted process picks them up again (seen through the
// reconciler re-driving an operation Postgres holds as queued).

const db = useTestDatabase();
const redis = useTestRedis();
const spawnScheduler = useSchedulerProcesses();
let emu: RunningEc2Emulator;
let queues: JobQueues;

beforeAll(async () => {
  emu = await startEc2Emulator({ port: 0, region: 'us-west-1', timeScale: 0.001 });
  queues = new JobQueues(redis.connection(), redis.prefix);
});
afterAll(async () => {
  await queues?.close();
  await emu?.stop();
});

async function startScheduler(): Promise<SchedulerProcess & { metricsUrl: string }> {
  const p = spawnScheduler({
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: redis.prefix,
    AWS_REGION: 'us-west-1',
    AWS_ENDPOINT_URL_EC2: emu.endpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    RECONCILE_EVERY_MS: '300',
  });
  return Object.assign(p, { metricsUrl: await p.opsUrl() });
}

/** What the API commits for a backup request, without sending the signal (as if Redis had lost it). */
async function queueBackupWithoutSignal(): Promise<string> {
  const em = db.orm.em.fork() as EntityManager;
  const { deploymentId } = await seedDeployment(em);
  const d = deploymentId.toString();
  await em.getConnection().execute(
    `with b as (insert into backups (deployment_id, name, backup_type, status, region)
                values (?, 'nightly', 'manual', 'pending', 'us-west-1') returning id)
     insert into operations (deployment_id, kind, backup_id) select ?, 'backup', id from b`,
    [d, d],
  );
  return d;
}

/** Waits for the reconciler to have sent `operation.drive` for the deployment (no worker consumes it here). */
function driveSignalled(deploymentId: string): Promise<true> {
  return waitUntil(`operation.drive for deployment ${deploymentId}`, async () => {
    const jobs = await queues.queue('operations').getJobs(['waiting', 'prioritized', 'delayed']);
    return jobs.some((j) => j.name === 'operation.drive' && j.data.deploymentId === deploymentId);
  });
}

const maintenanceSchedulerIds = async () =>
  (await queues.queue('maintenance').getJobSchedulers())
    .map((s) => s.key)
    .filter((k) => k.startsWith('maintenance-'))
    .sort();

describe('scheduler process', () => {
  it('exits 0 on SIGTERM after stopping cleanly (not by its shutdown timeout), and a restarted process resumes its job schedulers', async () => {
    const first = await startScheduler();
    expect((await fetch(`${first.metricsUrl}/readyz`)).status).toBe(200);
    const lost = await queueBackupWithoutSignal();
    expect(await driveSignalled(lost)).toBe(true);
    const samples = await scrape(`${first.metricsUrl}/metrics`);
    expect(sampleValue(samples, 'backups_reconciler_repairs_total', { kind: 'operation' })).toBeGreaterThan(
      0,
    );
    expect(sampleValue(samples, 'backups_backups', { type: 'manual', status: 'pending' })).toBe(1);
    const schedulers = await maintenanceSchedulerIds();
    expect(schedulers).toEqual(['maintenance-cleanup', 'maintenance-expire', 'maintenance-reconcile']);

    // Exit 0 with "stopped" logged: it finished stopping before its own SHUTDOWN_TIMEOUT_MS,
    // whose timer logs "shutdown timed out" and exits 1.
    const stopped = await first.stop();
    expect(stopped.code, first.output()).toBe(0);
    expect(first.output()).toContain('"msg":"stopped"');
    expect(first.output()).not.toContain('shutdown timed out');
    for (const line of first.output().split('\n').filter(Boolean))
      expect(() => JSON.parse(line), line).not.toThrow();
    await expect(fetch(`${first.metricsUrl}/healthz`)).rejects.toThrow();

    // The schedulers outlive the process (they are in Redis); while none runs, nothing fires.
    expect(await maintenanceSchedulerIds()).toEqual(schedulers);
    await queues.queue('operations').obliterate({ force: true });
    const lostWhileDown = await queueBackupWithoutSignal();

    const second = await startScheduler();
    expect(await driveSignalled(lostWhileDown)).toBe(true);
    expect(await driveSignalled(lost)).toBe(true);
    // Restarting upserts the same ids: still one scheduler per maintenance job.
    expect(await maintenanceSchedulerIds()).toEqual(schedulers);
    const again = await second.stop();
    expect(again.code, second.output()).toBe(0);
    expect(second.output()).not.toContain('shutdown timed out');
  });

  it('never double-fires a schedule while two scheduler processes run', async () => {
    const em = db.orm.em.fork() as EntityManager;
    const { tenantId, deploymentId } = await seedDeployment(em);
    await em
      .getConnection()
      .execute("update tenants set plan = 'enterprise', backup_limit_override = 100 where id = ?", [
        tenantId,
      ]);
    // A seconds-field cron (the API refuses it) so ticks come every second; the
    // sync inside each reconcile picks it up from Postgres.
    await em
      .getConnection()
      .execute(
        "insert into backup_schedules (deployment_id, cron, timezone) values (?, '* * * * * *', 'UTC')",
        [deploymentId],
      );
    const a = await startScheduler();
    const b = await startScheduler();
    const names = () =>
      em
        .getConnection()
        .execute<{ name: string }[]>('select name from backups where deployment_id = ? order by id', [
          deploymentId,
        ]);
    await waitUntil('six ticks', async () => (await names()).length >= 6);
    await em.getConnection().execute('delete from backup_schedules where deployment_id = ?', [deploymentId]);
    const [stopA, stopB] = await Promise.all([a.stop(), b.stop()]);
    expect([stopA.code, stopB.code]).toEqual([0, 0]);

    const made = (await names()).map((r) => r.name);
    // One backup per tick (names carry the tick's second), never two.
    expect(new Set(made).size).toBe(made.length);
    // Each tick's job ran once, in one process or the other: no process ever found a tick already fired.
    const fired = [...a.fired(), ...b.fired()];
    expect(fired.filter((f) => f.outcome === 'already-fired')).toEqual([]);
    expect(new Set(fired.map((f) => f.jobId)).size).toBe(fired.length);
    expect(fired.filter((f) => f.outcome === 'created').length).toBe(made.length);
  });
});
