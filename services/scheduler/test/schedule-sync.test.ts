import { JOB_CATALOGUE, JobQueues } from '@backups/shared/jobs';
import { saveSchedule } from '@backups/shared/schedules';
import { seedDeployment, useTestDatabase, useTestRedis } from '@backups/testing';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mirrorSchedule, scheduleJobId } from '../src/schedules/schedule-jobs.js';
import { syncSchedules } from '../src/schedules/schedule-sync.js';

const db = useTestDatabase();
const redis = useTestRedis();
let queues: JobQueues;

beforeAll(() => {
  queues = new JobQueues(redis.connection(), redis.prefix);
});
afterAll(async () => {
  await queues.close();
});

async function addSchedule(em: EntityManager, cron: string, timezone: string, enabled = true) {
  const { deploymentId } = await seedDeployment(em);
  await em
    .getConnection()
    .execute('insert into backup_schedules (deployment_id, cron, timezone, enabled) values (?, ?, ?, ?)', [
      deploymentId,
      cron,
      timezone,
      enabled,
    ]);
  return deploymentId;
}

async function schedulers() {
  const list = await queues.queue('maintenance').getJobSchedulers(0, -1, true);
  return new Map(list.map((s) => [s.key, s]));
}

describe('syncSchedules', () => {
  it('mirrors Postgres schedules into BullMQ job schedulers, and rebuilds them after Redis loses its data', async () => {
    const em = db.orm.em.fork();
    const a = await addSchedule(em, '0 3 * * *', 'Europe/Warsaw');
    const b = await addSchedule(em, '*/30 * * * *', 'UTC');
    const off = await addSchedule(em, '0 4 * * *', 'UTC', false);
    const maintenance = queues.queue('maintenance');

    expect(await syncSchedules(em, maintenance)).toEqual({ upserted: 2, removed: 0 });
    let current = await schedulers();
    expect(current.get(scheduleJobId(a))).toMatchObject({ pattern: '0 3 * * *', tz: 'Europe/Warsaw' });
    expect(current.get(scheduleJobId(b))).toMatchObject({ pattern: '*/30 * * * *', tz: 'UTC' });
    expect(current.has(scheduleJobId(off))).toBe(false);
    // The next run of the Warsaw schedule is a delayed job in Redis.
    expect(current.get(scheduleJobId(a))?.next).toBeGreaterThan(Date.now());

    // Unchanged schedules are left alone.
    expect(await syncSchedules(em, maintenance)).toEqual({ upserted: 0, removed: 0 });

    // A changed cron is re-upserted; a disabled schedule's scheduler is removed.
    await em
      .getConnection()
      .execute("update backup_schedules set cron = '15 2 * * *' where deployment_id = ?", [a]);
    await em
      .getConnection()
      .execute('update backup_schedules set enabled = false where deployment_id = ?', [b]);
    expect(await syncSchedules(em, maintenance)).toEqual({ upserted: 1, removed: 1 });
    current = await schedulers();
    expect(current.get(scheduleJobId(a))?.pattern).toBe('15 2 * * *');
    expect(current.has(scheduleJobId(b))).toBe(false);

    // Redis loses everything this fleet had (FLUSHALL, for this fleet's prefix): the next sync rebuilds it.
    const raw = new Redis(redis.url);
    const keys = await raw.keys(`${redis.prefix}:*`);
    if (keys.length) await raw.del(...keys);
    await raw.quit();
    expect((await schedulers()).size).toBe(0);
    expect(await syncSchedules(em, maintenance)).toEqual({ upserted: 1, removed: 0 });
    expect((await schedulers()).get(scheduleJobId(a))?.pattern).toBe('15 2 * * *');
  });
});

describe('mirrorSchedule (the schedule.sync signal)', () => {
  it('adds and removes one deployment’s job scheduler to match its row (none, enabled, disabled)', async () => {
    const em = db.orm.em.fork();
    const { deploymentId } = await seedDeployment(em);
    const input = { cron: '0 3 * * *', timezone: 'UTC', nodeId: null, expiresInDays: null, keepCount: null };
    const maintenance = queues.queue('maintenance');

    // No row: nothing to mirror.
    expect(await mirrorSchedule(em, maintenance, deploymentId)).toBe('removed');
    expect((await schedulers()).has(scheduleJobId(deploymentId))).toBe(false);

    await em.transactional((tx) => saveSchedule(tx, deploymentId, { ...input, enabled: true }));
    expect(await mirrorSchedule(em, maintenance, deploymentId)).toBe('upserted');
    expect((await schedulers()).get(scheduleJobId(deploymentId))).toMatchObject({
      pattern: '0 3 * * *',
      tz: 'UTC',
    });

    await em.transactional((tx) => saveSchedule(tx, deploymentId, { ...input, enabled: false }));
    expect(await mirrorSchedule(em, maintenance, deploymentId)).toBe('removed');
    expect((await schedulers()).has(scheduleJobId(deploymentId))).toBe(false);
  });
});

describe('syncSchedules after the retry settings of a tick changed', () => {
  it('re-upserts a scheduler made with older retry settings to the catalogue’s, once', async () => {
    const em = db.orm.em.fork();
    const d = await addSchedule(em, '0 3 * * *', 'UTC');
    const maintenance = queues.queue('maintenance');
    // As an earlier release upserted it: five plain exponential attempts.
    await maintenance.upsertJobScheduler(
      scheduleJobId(d),
      { pattern: '0 3 * * *', tz: 'UTC' },
      {
        name: 'schedule.fire',
        data: { deploymentId: String(d) },
        opts: { attempts: 5, backoff: { type: 'exponential', delay: 1000 } },
      },
    );
    const optsNow = async () =>
      (await maintenance.getJobSchedulers(0, -1, true)).find((s) => s.key === scheduleJobId(d))?.template
        ?.opts;

    const first = await syncSchedules(em, maintenance);
    expect(first.upserted).toBeGreaterThanOrEqual(1);
    expect(await optsNow()).toMatchObject({
      attempts: JOB_CATALOGUE['schedule.fire'].options.attempts,
      backoff: JOB_CATALOGUE['schedule.fire'].options.backoff,
    });
    expect(await syncSchedules(em, maintenance)).toEqual({ upserted: 0, removed: 0 });
  });
});
