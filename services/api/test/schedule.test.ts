import { describe, expect, it } from 'vitest';
import { expectError, expectStatus, seedTenant, useApi } from './harness.js';

const api = useApi();

type Schedule = {
  deployment_id: number;
  cron: string;
  timezone: string;
  node_id: number | null;
  keep_count: number | null;
  expires_in_days: number | null;
  enabled: boolean;
  next_runs: string[];
};

describe('backup schedule', () => {
  it('is created, read, replaced and deleted, each change signalled to the scheduler', async () => {
    const t = await seedTenant(api.em());
    const path = `/deployments/${t.deploymentId}/backup-schedule`;
    expectError(await api.request('GET', path, { key: t.key }), 404, 'not_found');

    const put = await api.request('PUT', path, {
      key: t.key,
      body: { cron: '0 3 * * *', timezone: 'Europe/Warsaw', keep_count: 7, expires_in_days: 14 },
    });
    expectStatus(put, 200);
    const saved = put.json as Schedule;
    expect(saved).toMatchObject({
      cron: '0 3 * * *',
      timezone: 'Europe/Warsaw',
      keep_count: 7,
      expires_in_days: 14,
      enabled: true,
      node_id: null,
    });
    // 03:00 in Warsaw is 01:00 or 02:00 UTC depending on DST.
    expect(saved.next_runs).toHaveLength(3);
    for (const run of saved.next_runs) expect(run).toMatch(/^\d{4}-\d\d-\d\dT0[12]:00:00Z$/);

    // The API writes no job scheduler itself: it signals the scheduler, which
    // mirrors the row (services/scheduler tests). Signals for one deployment
    // fold into one waiting job, since the scheduler re-reads the row, so each
    // change below starts from no waiting signal to show that it sent its own.
    const signals = async () =>
      (await api.queues.queue('maintenance').getJobs(['waiting', 'delayed', 'prioritized'])).filter(
        (j) => j.name === 'schedule.sync' && j.data.deploymentId === t.deploymentId.toString(),
      );
    expect(await signals()).toHaveLength(1);
    expect(await api.queues.queue('maintenance').getJobSchedulers(0, -1)).toEqual([]);

    const get = await api.request('GET', path, { key: t.readKey });
    expectStatus(get, 200);
    expect((get.json as Schedule).cron).toBe('0 3 * * *');

    // Replacing it (disabled) keeps the row; the scheduler removes its job scheduler.
    await Promise.all((await signals()).map((j) => j.remove()));
    const off = await api.request('PUT', path, {
      key: t.key,
      body: { cron: '30 1 * * 1', timezone: 'UTC', enabled: false, node_id: Number(t.nodeIds[0]) },
    });
    expectStatus(off, 200);
    expect(off.json).toMatchObject({ enabled: false, next_runs: [], node_id: Number(t.nodeIds[0]) });
    expect(await signals()).toHaveLength(1);

    await Promise.all((await signals()).map((j) => j.remove()));
    const del = await api.request('DELETE', path, { key: t.key });
    expectStatus(del, 204);
    expect(await signals()).toHaveLength(1);
    expectError(await api.request('GET', path, { key: t.key }), 404, 'not_found');
    expectError(await api.request('DELETE', path, { key: t.key }), 404, 'not_found');
  });

  it('names the offending field for a bad cron, timezone or unknown field', async () => {
    const t = await seedTenant(api.em());
    const path = `/deployments/${t.deploymentId}/backup-schedule`;
    const cases: Array<[unknown, string]> = [
      [{ cron: '0 3 * *' }, 'cron'],
      [{ cron: '61 * * * *' }, 'cron'],
      [{ cron: '* * * * *' }, 'cron'], // more often than every 15 minutes
      [{ cron: '0 3 * * *', timezone: 'Mars/Olympus' }, 'timezone'],
      [{ cron: '0 3 * * *', keep_count: 0 }, 'keep_count'],
      [{ cron: '0 3 * * *', every: 'day' }, 'every'],
      [{ timezone: 'UTC' }, 'cron'],
    ];
    for (const [body, field] of cases) {
      const res = await api.request('PUT', path, { key: t.key, body });
      expectError(res, 400, 'invalid_request');
      const details = (res.json as { error: { details: Array<{ field: string }> } }).error.details;
      expect(
        details.map((d) => d.field),
        res.text,
      ).toContain(field);
    }
  });

  it('measures the minimum interval in the schedule’s own time zone, DST nights included', async () => {
    const t = await seedTenant(api.em());
    const path = `/deployments/${t.deploymentId}/backup-schedule`;
    // 01:05, 01:55, 03:05, 03:55 local: at least 50 minutes apart in UTC, but on Warsaw's
    // spring-forward night 01:55 CET is followed by 03:05 CEST, 10 minutes later.
    const cron = '5,55 1,3 * * *';
    expectStatus(await api.request('PUT', path, { key: t.key, body: { cron, timezone: 'UTC' } }), 200);
    const res = await api.request('PUT', path, { key: t.key, body: { cron, timezone: 'Europe/Warsaw' } });
    expectError(res, 400, 'invalid_request');
    expect(res.json).toMatchObject({
      error: { details: [{ field: 'cron', message: expect.stringContaining('Europe/Warsaw') }] },
    });
    // The schedule saved before is unchanged.
    const kept = await api.request('GET', path, { key: t.key });
    expect(kept.json).toMatchObject({ cron, timezone: 'UTC' });
  });

  it('applies the plan and node rules', async () => {
    const basic = await seedTenant(api.em(), { plan: 'basic' });
    expectError(
      await api.request('PUT', `/deployments/${basic.deploymentId}/backup-schedule`, {
        key: basic.key,
        body: { cron: '0 3 * * *' },
      }),
      403,
      'plan_upgrade_required',
    );
    const nvme = await seedTenant(api.em(), { storageType: 'nvme' });
    expectError(
      await api.request('PUT', `/deployments/${nvme.deploymentId}/backup-schedule`, {
        key: nvme.key,
        body: { cron: '0 3 * * *' },
      }),
      422,
      'backups_not_supported',
    );
    const t = await seedTenant(api.em());
    const other = await seedTenant(api.em());
    expectError(
      await api.request('PUT', `/deployments/${t.deploymentId}/backup-schedule`, {
        key: t.key,
        body: { cron: '0 3 * * *', node_id: Number(other.nodeIds[0]) },
      }),
      422,
      'invalid_node',
    );
  });
});
