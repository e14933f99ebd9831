import type { EntityManager } from '@mikro-orm/postgresql';
import pg from 'pg';
import { expect } from 'vitest';
import { SnapshotLedger } from '../../src/snapshot-admission/snapshot-ledger.js';
import { assertConsistent } from './checks.js';
import { all, row, type TestFleet } from './fleet.js';
import { spawnWorker, type WorkerProcess } from './processes.js';
import { REGION, requestBackup, requestRestore, type SeededDeployment, seedDeployment } from './seed.js';
import { waitFor } from './wait.js';

// Helpers of the Postgres fault tests (pg-faults*.test.ts).

/** A worker process and the base URL of its ops endpoints (/readyz, /healthz, /metrics). */
export async function spawnWorkerWithOps(
  env: Record<string, string>,
  hangMs: number,
): Promise<{ worker: WorkerProcess; ops: string }> {
  // The port is only in the info-level start-up line.
  const worker = spawnWorker({ ...env, METRICS_PORT: '0', LOG_LEVEL: 'info' });
  const port = await waitFor(
    'the ops port in the worker log',
    async () => worker.output().match(/"port":(\d+).*metrics and health endpoints listening/)?.[1],
    hangMs,
  );
  return { worker, ops: `http://127.0.0.1:${port}` };
}

export function isAlive(w: WorkerProcess): boolean {
  return w.child.exitCode === null && w.child.signalCode === null;
}

/** GET /readyz of a worker: its status and which dependency it found away. */
export async function readyz(ops: string): Promise<{ status: number; postgres?: boolean; redis?: boolean }> {
  const res = await fetch(`${ops}/readyz`);
  const body = JSON.parse(await res.text()) as { checks: Record<string, { ok: boolean }> };
  return { status: res.status, postgres: body.checks.postgres?.ok, redis: body.checks.redis?.ok };
}

/**
 * A connection of the test's own to the fleet's database, outside every pool:
 * it reads the fleet's progress and terminates the other backends, and is
 * never terminated itself (`pid <> pg_backend_pid()`).
 */
export async function connectKiller(databaseUrl: string, database: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  return {
    query: async <T extends object>(sql: string, params: unknown[] = []) =>
      (await client.query(sql, params)).rows as T[],
    /** pg_terminate_backend on every other connection of the database; how many it ended. */
    async terminateAll(): Promise<number> {
      const r = await client.query(
        `select count(*) filter (where pg_terminate_backend(pid))::int as n
           from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`,
        [database],
      );
      return (r.rows[0] as { n: number }).n;
    },
    close: () => client.end(),
  };
}

/** How every operation ended, by operation id: its kind and the status of what it made. */
export async function outcomes(em: EntityManager): Promise<Map<string, string>> {
  const rows = await all<{ id: string; outcome: string }>(
    em,
    `select o.id::text, o.kind || ' ' || o.status || ' ' || coalesce(b.status, r.status, u.status, '') as outcome
       from operations o
       left join backups b on o.kind = 'backup' and b.id = o.backup_id
       left join restores r on r.id = o.restore_id
       left join upgrades u on u.id = o.upgrade_id`,
  );
  return new Map(rows.map((r) => [r.id, r.outcome]));
}

/** Reads the room the snapshot ledger holds in the test region (0 once every backup gave its room back). */
export function ledgerUsage(fleet: TestFleet): () => Promise<number> {
  // Only `status` is read: the limits do not matter.
  const limits = { regionCap: 1, perVolumeMax: 1, volumeSpacingMs: 0, grantMs: 1, holdMs: 1, retryMs: 1 };
  const ledger = new SnapshotLedger(fleet.redis.connection(), fleet.redis.prefix, limits);
  return async () => (await ledger.status(REGION)).used;
}

export interface RequestedWork {
  /** The ids of the operations requested, with the outcome each must reach (as `outcomes` reads it). */
  expected: Map<string, string>;
  restores: number;
}

/**
 * Seeds a deployment per operation (2 nodes of 2 volumes), takes the backups
 * the restores start from (before any fault: it waits for every operation of
 * the fleet to finish), then requests the backups and restores.
 */
export async function requestBackupsAndRestores(
  fleet: TestFleet,
  counts: { backups: number; restores: number },
  hangMs: number,
): Promise<RequestedWork> {
  const em = fleet.em();
  const seed = () => seedDeployment(em, fleet.emu.endpoint, { nodes: 2, volumesPerNode: 2 });
  const backing: SeededDeployment[] = [];
  for (let i = 0; i < counts.backups; i++) backing.push(await seed());
  const restoreFrom = new Map<bigint, bigint>();
  for (let i = 0; i < counts.restores; i++) {
    const d = await seed();
    restoreFrom.set(d.deploymentId, (await requestBackup(em, fleet.queues, d.deploymentId)).backupId);
  }
  await waitFor(
    'the backups to restore from completed',
    async () => (await openOperations(em)) === 0,
    hangMs,
  );

  const expected = new Map<string, string>();
  for (const d of backing) {
    const { opId } = await requestBackup(em, fleet.queues, d.deploymentId);
    expected.set(opId.toString(), 'backup succeeded completed');
  }
  for (const [deploymentId, backupId] of restoreFrom) {
    const { opId } = await requestRestore(em, fleet.queues, deploymentId, backupId);
    expected.set(opId.toString(), 'restore succeeded completed');
  }
  return { expected, restores: counts.restores };
}

export async function openOperations(em: EntityManager): Promise<number | undefined> {
  const r = await row<{ n: number }>(
    em,
    `select count(*)::int as n from operations where status in ('queued', 'running')`,
  );
  return r?.n;
}

/**
 * The end every Postgres fault must leave, once the fleet's operations are
 * over: each reached its outcome, every worker process is alive and ready,
 * EC2 matches Postgres, no lease or snapshot room is left held, and each
 * worker stops cleanly on SIGTERM (closing its pool waits for no connection
 * left checked out).
 */
export async function expectFleetSettled(
  fleet: TestFleet,
  workers: readonly { worker: WorkerProcess; ops: string }[],
  work: RequestedWork,
  hangMs: number,
): Promise<void> {
  const em = fleet.em();
  const ended = await outcomes(em);
  for (const [opId, want] of work.expected) expect(ended.get(opId), `operation ${opId}`).toBe(want);
  // Every restore put the backup's four volumes in place (not the originals back).
  const restored = await row<{ n: number }>(
    em,
    `select count(*)::int as n from restores r join operations o on o.restore_id = r.id
      where o.id in (?) and r.status = 'completed' and cardinality(r.replaced_volume_ids) = 4`,
    [[...work.expected.keys()]],
  );
  expect(restored?.n).toBe(work.restores);
  for (const w of workers) {
    expect(isAlive(w.worker), w.worker.output().slice(-3000)).toBe(true);
    expect(
      await waitFor('the worker ready', async () => (await readyz(w.ops)).status === 200, hangMs, 200),
    ).toBe(true);
  }
  expect(await assertConsistent(em, await fleet.emu.control.state())).toEqual([]);
  const leased = await row<{ n: number }>(
    em,
    'select count(*)::int as n from operations where lease_owner is not null',
  );
  expect(leased?.n).toBe(0);
  const used = ledgerUsage(fleet);
  expect(await waitFor('the ledger to hold nothing', async () => (await used()) === 0, hangMs, 200)).toBe(
    true,
  );
  for (const w of workers)
    expect(await w.worker.stop(), w.worker.output().slice(-3000)).toEqual({ code: 0, signal: null });
}
