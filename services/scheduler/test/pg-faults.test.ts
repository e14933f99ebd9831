import { startTcpProxy, type TcpProxy } from '@backups/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotProblems } from './harness/consistency.js';
import { settled } from './harness/crash.js';
import { useSchedulerFleet, waitFor } from './harness/fleet.js';
import { stopTicks, tickAt, tickLedger, ticks } from './harness/schedule-ticks.js';
import type { SchedulerProcess } from './harness/scheduler-process.js';

// Postgres faults under a scheduler process: its backends killed mid-job, and
// Postgres unreachable for a while (a TCP proxy the test cuts; the machine's
// shared Postgres is never stopped). A real worker process, connected directly,
// drives the backups the ticks make.

const fleet = useSchedulerFleet();
const APP = 'scheduler-under-test';
const EVERY_SECOND = '* * * * * *';
let proxy: TcpProxy;

beforeAll(async () => {
  const url = new URL(fleet.db.url);
  proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
  await fleet.startWorker();
});
afterAll(async () => {
  await proxy?.close();
});

/** A scheduler process reaching Postgres through the proxy, its connections named for pg_stat_activity. */
function schedulerThroughProxy(): SchedulerProcess {
  const url = new URL(fleet.db.url);
  url.port = String(proxy.port);
  // node-postgres names its connections after PGAPPNAME.
  return fleet.startSchedulerProcess({ DATABASE_URL: url.toString(), PGAPPNAME: APP });
}

async function scheduled(): Promise<bigint> {
  const d = await fleet.seedDeployment({ plan: 'enterprise', limit: 1000 });
  await fleet
    .em()
    .execute('insert into backup_schedules (deployment_id, cron, timezone) values (?, ?, ?)', [
      d,
      EVERY_SECOND,
      'UTC',
    ]);
  return d;
}

async function readyz(p: SchedulerProcess): Promise<number> {
  return (await fetch(`${await p.opsUrl()}/readyz`)).status;
}

/**
 * No tick failed for good; every tick due before the schedule was stopped made
 * exactly one backup, under its own key; no backup belongs to no tick (or to a
 * tick twice); every backup completed and EC2 matches Postgres.
 */
async function everyTickOnce(d: bigint) {
  const until = await stopTicks(fleet, d);
  await settled('every tick’s backup completed and EC2 in line with Postgres', async () => {
    const { backups } = await tickLedger(fleet, d);
    const unsettled = backups
      .filter((b) => b.status !== 'completed')
      .map((b) => `backup ${b.id} ${b.status}`);
    return [
      ...unsettled,
      ...(await snapshotProblems(fleet.em(), (await fleet.emu.control.state()).snapshots)),
    ];
  });
  const ledger = await tickLedger(fleet, d);
  expect(ledger.failed).toEqual([]);
  const keyOf = (t: { id: string }) => `schedule:${t.id}`;
  expect(ledger.completed.filter((t) => t.at <= until && !ledger.keys.includes(keyOf(t)))).toEqual([]);
  expect(ledger.keys.filter((k) => !ledger.completed.some((t) => keyOf(t) === k))).toEqual([]);
  expect(new Set(ledger.backups.map((b) => b.name)).size).toBe(ledger.backups.length);
  return ledger;
}

describe('a scheduler process under Postgres faults', () => {
  it('keeps running and fires every tick exactly once while its Postgres backends are killed again and again mid-job', async () => {
    const d = await scheduled();
    const p = schedulerThroughProxy();
    await waitFor('two ticks fired', () => p.fired().filter((f) => f.outcome === 'created').length >= 2);

    let killed = 0;
    const firedBefore = p.fired().length;
    const failedJobs = () =>
      p
        .output()
        .split('\n')
        .filter((l) => l.includes('"msg":"job failed"')).length;
    // Kill its backends every 200 ms until a kill has hit a job mid-query (the job
    // failed) and it has fired five more ticks through the kills.
    await waitFor(
      'a job failed by a kill, and five ticks fired while its backends are killed',
      async () => {
        const rows = await fleet
          .em()
          .execute<{ killed: boolean }[]>(
            'select pg_terminate_backend(pid) as killed from pg_stat_activity where application_name = ? and datname = current_database()',
            [APP],
          );
        killed += rows.filter((r) => r.killed).length;
        await new Promise((r) => setTimeout(r, 200));
        return failedJobs() > 0 && p.fired().length >= firedBefore + 5;
      },
      120_000,
    );
    expect(killed).toBeGreaterThan(0);

    await everyTickOnce(d);
    expect(p.alive()).toBe(true);
    expect(await readyz(p)).toBe(200);
    await p.stop();
  }, 240_000);

  it('reports not-ready while Postgres is unreachable, stays up, then is ready again and fires the ticks due during the outage exactly once', async () => {
    const d = await scheduled();
    const p = schedulerThroughProxy();
    await waitFor('a tick fired', () => p.fired().some((f) => f.outcome === 'created'));
    expect(await readyz(p)).toBe(200);

    const cutAt = Date.now();
    await proxy.cut();
    await waitFor('readyz not ready', async () => (await readyz(p)) === 503);
    // Postgres stays away until the first tick due during the outage has failed five
    // times (over ten seconds; five attempts was the whole retry budget of a tick before):
    // longer than a short blip, as a failover or restart can be.
    const firstDuring = await waitFor('a tick due during the outage failing', async () =>
      (await ticks(fleet, d, ['delayed', 'waiting', 'active', 'failed'])).find(
        (j) => j.attemptsMade > 0 && tickAt(j) >= cutAt,
      ),
    );
    await waitFor(
      `tick ${firstDuring.id} failed five times`,
      async () =>
        ((await fleet.queues.queue('maintenance').getJob(firstDuring.id ?? ''))?.attemptsMade ?? 0) >= 5,
      120_000,
    );
    expect(await readyz(p)).toBe(503);
    expect(p.alive()).toBe(true);
    await proxy.restore();
    const restoredAt = Date.now();
    await waitFor('readyz ready again', async () => (await readyz(p)) === 200);

    const ledger = await everyTickOnce(d);
    expect(ledger.completed.map((t) => t.id)).toContain(firstDuring.id);
    expect(ledger.completed.filter((t) => t.at >= cutAt && t.at <= restoredAt).length).toBeGreaterThan(1);
    expect(p.alive()).toBe(true);
    await p.stop();
  }, 240_000);
});
