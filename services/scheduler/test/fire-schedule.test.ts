import { useTestDatabase } from '@backups/testing';
import type { EntityManager } from '@mikro-orm/postgresql';
import { describe, expect, it } from 'vitest';
import { fireSchedule } from '../src/schedules/fire-schedule.js';

const db = useTestDatabase();

async function seed(
  em: EntityManager,
  opts: { keep?: number | null; enabled?: boolean; plan?: string } = {},
) {
  const [t] = await em.execute<{ id: string }[]>(
    "insert into tenants (name, plan) values ('acme', ?) returning id::text",
    [opts.plan ?? 'pro'],
  );
  const [d] = await em.execute<{ id: string }[]>(
    `insert into deployments (tenant_id, name, cloud, region, storage_type, version)
     values (?, 'orders', 'aws', 'us-west-1', 'network', '0.4.0') returning id::text`,
    [t?.id],
  );
  await em.execute(
    'insert into backup_schedules (deployment_id, cron, timezone, keep_count, expires_in_days, enabled) values (?, ?, ?, ?, ?, ?)',
    [d?.id, '0 3 * * *', 'UTC', opts.keep ?? null, 7, opts.enabled ?? true],
  );
  return BigInt(d?.id ?? 0);
}

async function addBackup(em: EntityManager, deploymentId: bigint, type: string, minutesAgo: number) {
  const [b] = await em.execute<{ id: string }[]>(
    `insert into backups (deployment_id, name, backup_type, status, region, size_bytes, started_at, completed_at, created_at)
     values (?, 'b', ?, 'completed', 'us-west-1', 1, now(), now(), now() - make_interval(mins => ?)) returning id::text`,
    [deploymentId, type, minutesAgo],
  );
  return b?.id ?? '';
}

async function statuses(em: EntityManager, deploymentId: bigint) {
  const rows = await em.execute<{ id: string; status: string; backup_type: string }[]>(
    'select id::text, status, backup_type from backups where deployment_id = ? order by id',
    [deploymentId],
  );
  return new Map(rows.map((r) => [r.id, r]));
}

const tick = new Date('2026-11-27T03:00:00Z');

describe('fireSchedule', () => {
  it('creates a scheduled backup in the operation order, once per tick', async () => {
    const em = db.orm.em.fork() as EntityManager;
    const d = await seed(em);
    const first = await fireSchedule(em, d, 'schedule:tick-1', tick);
    expect(first.kind).toBe('created');
    const again = await fireSchedule(em, d, 'schedule:tick-1', tick);
    expect(again).toEqual({
      kind: 'already-fired',
      backupId: first.kind === 'created' ? first.backupId : 0n,
    });
    const [b] = await em.execute<
      { name: string; backup_type: string; status: string; expires_at: Date | null }[]
    >('select name, backup_type, status, expires_at from backups where deployment_id = ?', [d]);
    expect(b).toMatchObject({
      name: 'scheduled-2026-11-27T030000Z',
      backup_type: 'scheduled',
      status: 'pending',
    });
    expect(b?.expires_at).not.toBeNull();
    const ops = await em.execute('select kind from operations where deployment_id = ?', [d]);
    expect(ops).toEqual([{ kind: 'backup' }]);
  });

  it('rotates the oldest completed scheduled backup out at the plan limit', async () => {
    const em = db.orm.em.fork() as EntityManager;
    const d = await seed(em);
    const oldestScheduled = await addBackup(em, d, 'scheduled', 50);
    const newerScheduled = await addBackup(em, d, 'scheduled', 40);
    const manual = [await addBackup(em, d, 'manual', 60), await addBackup(em, d, 'manual', 30)];
    await addBackup(em, d, 'manual', 20); // 5 of 5 (Pro)

    const outcome = await fireSchedule(em, d, 'schedule:tick-2', tick);
    expect(outcome.kind).toBe('created');
    expect(outcome.kind === 'created' && outcome.rotated.map(String)).toEqual([oldestScheduled]);
    const s = await statuses(em, d);
    expect(s.get(oldestScheduled)?.status).toBe('deleting');
    expect(s.get(newerScheduled)?.status).toBe('completed');
    for (const m of manual) expect(s.get(m)?.status).toBe('completed'); // never rotates a manual backup
  });

  it('records a failed backup with a clear remark when nothing can be rotated', async () => {
    const em = db.orm.em.fork() as EntityManager;
    const d = await seed(em);
    for (let i = 0; i < 5; i++) await addBackup(em, d, 'manual', 10 + i);
    const outcome = await fireSchedule(em, d, 'schedule:tick-3', tick);
    expect(outcome.kind).toBe('recorded-failure');
    const [failed] = await em.execute<
      { status: string; failure_reason: string; backup_type: string; days: number }[]
    >(
      `select status, failure_reason, backup_type, round(extract(epoch from expires_at - created_at) / 86400)::int as days
         from backups where deployment_id = ? and status = 'failed'`,
      [d],
    );
    // The record of the missed run expires with the schedule's backups (7 days here), so expiry clears it.
    expect(failed).toMatchObject({ status: 'failed', backup_type: 'scheduled', days: 7 });
    expect(failed?.failure_reason).toMatch(/Scheduled backup skipped: .*5 of its 5 backups.*rotated out/);
    expect(await em.execute('select 1 from operations where deployment_id = ?', [d])).toEqual([]);
    // The same tick retried records nothing more.
    expect((await fireSchedule(em, d, 'schedule:tick-3', tick)).kind).toBe('already-fired');
  });

  it('keeps at most keep_count scheduled backups', async () => {
    const em = db.orm.em.fork() as EntityManager;
    const d = await seed(em, { keep: 2 });
    const a = await addBackup(em, d, 'scheduled', 30);
    const b = await addBackup(em, d, 'scheduled', 20);
    const c = await addBackup(em, d, 'scheduled', 10);
    const outcome = await fireSchedule(em, d, 'schedule:tick-4', tick);
    expect(outcome.kind === 'created' && outcome.rotated.map(String)).toEqual([a, b]);
    expect((await statuses(em, d)).get(c)?.status).toBe('completed');
  });

  it('does nothing for a disabled or deleted schedule', async () => {
    const em = db.orm.em.fork() as EntityManager;
    const d = await seed(em, { enabled: false });
    expect(await fireSchedule(em, d, 'schedule:tick-5', tick)).toEqual({ kind: 'no-schedule' });
    expect(await fireSchedule(em, 999_999n, 'schedule:tick-6', tick)).toEqual({ kind: 'no-schedule' });
    expect(await em.execute('select 1 from backups where deployment_id = ?', [d])).toEqual([]);
    expect(await em.execute('select 1 from operations where deployment_id = ?', [d])).toEqual([]);
  });
});
