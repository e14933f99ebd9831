import { createLogger } from '@backups/shared';
import { findBackup, startBackup } from '@backups/shared/backups';
import { Ec2Regions } from '@backups/shared/ec2';
import { acquireHead, FenceLostError, fenced, fencedWrite, type Lease } from '@backups/shared/operations';
import type { EntityManager } from '@mikro-orm/postgresql';
import { describe, expect, it } from 'vitest';
import { driveDeployment } from '../src/operations/drive.js';
import { continueAfter, type OperationHandlers, succeeded } from '../src/operations/operation-context.js';
import { SnapshotLedger } from '../src/snapshot-admission/snapshot-ledger.js';
import { all, row, useTestFleet } from './harness/fleet.js';
import { requestBackup, seedDeployment } from './harness/seed.js';

const fleet = useTestFleet();
const log = createLogger({ service: 'test', level: 'silent', pretty: false });

async function queueUpgrade(em: EntityManager, deploymentId: bigint): Promise<void> {
  await em.getConnection().execute(
    `with u as (insert into upgrades (deployment_id, target_version, from_version) values (?, '0.5.0', '0.4.0') returning id)
     insert into operations (deployment_id, kind, upgrade_id) select ?, 'upgrade', id from u`,
    [deploymentId.toString(), deploymentId.toString()],
  );
}

function deps(handlers: OperationHandlers) {
  return {
    orm: fleet.db.orm,
    ec2: new Ec2Regions({
      endpoint: fleet.emu.endpoint,
      credentials: { accessKeyId: 't', secretAccessKey: 't' },
    }),
    handlers,
    log,
    leaseMs: 1000,
    pollMs: 10,
    waitMs: 1000,
    ledger: new SnapshotLedger(fleet.redis.connection(), fleet.redis.prefix, {
      regionCap: 100,
      perVolumeMax: 5,
      volumeSpacingMs: 0,
      grantMs: 1000,
      holdMs: 60_000,
      retryMs: 10,
    }),
    // These tests drive one deployment by hand: nobody else waits to be woken.
    wake: async () => undefined,
    workerId: 'test',
    crashPoint: () => undefined,
    stopping: () => false,
  };
}

describe('leases and fences', () => {
  it('refuses the writes of a worker whose lease passed to another', async () => {
    const em = fleet.em() as EntityManager;
    const d = await seedDeployment(em, fleet.emu.endpoint);
    await requestBackup(em, null, d.deploymentId);
    const first = await acquireHead(em, {
      deploymentId: d.deploymentId,
      owner: 'a',
      leaseMs: 600_000,
      canHandle: () => true,
    });
    expect(first.kind).toBe('leased');
    const second = await acquireHead(em, {
      deploymentId: d.deploymentId,
      owner: 'b',
      leaseMs: 600_000,
      canHandle: () => true,
    });
    expect(second.kind).toBe('busy');
    // "a" freezes; its lease runs out and "b" takes the operation over.
    await em.getConnection().execute(`update operations set lease_expires_at = now() - interval '1 second'`);
    const taken = await acquireHead(em, {
      deploymentId: d.deploymentId,
      owner: 'b',
      leaseMs: 600_000,
      canHandle: () => true,
    });
    if (first.kind !== 'leased' || taken.kind !== 'leased') throw new Error('expected leases');
    expect(taken.lease.fence).toBe(first.lease.fence + 1n);
    await expect(
      fenced(fleet.em() as EntityManager, first.lease, async () => 'written'),
    ).rejects.toBeInstanceOf(FenceLostError);
    await expect(fenced(fleet.em() as EntityManager, taken.lease, async () => 'written')).resolves.toBe(
      'written',
    );

    // The same fence inside a single write statement: the old holder's start writes
    // nothing and stops; the new holder's starts the backup; a repeat is refused by
    // the backup's own guard, which is no lost fence.
    const backup = await findBackup(em, taken.lease.backupId ?? 0n);
    if (!backup) throw new Error('expected the backup');
    const start = (lease: Lease) =>
      fencedWrite(
        fleet.em() as EntityManager,
        lease,
        (guard) => startBackup(fleet.em() as EntityManager, backup, guard),
        (r) => r.started,
      );
    await expect(start(first.lease)).rejects.toBeInstanceOf(FenceLostError);
    expect((await findBackup(em, backup.id))?.status).toBe('pending');
    await expect(start(taken.lease)).resolves.toEqual({ started: true, planned: 1 });
    await expect(start(taken.lease)).resolves.toEqual({ started: false, planned: 1 });
    expect((await findBackup(em, backup.id))?.status).toBe('in_progress');
  });

  it('never starts an operation kind without a handler, and keeps the order behind it', async () => {
    const em = fleet.em() as EntityManager;
    const d = await seedDeployment(em, fleet.emu.endpoint);
    await queueUpgrade(em, d.deploymentId);
    await requestBackup(em, null, d.deploymentId);
    const ran: string[] = [];
    const outcome = await driveDeployment(
      deps({
        backup: async () => {
          ran.push('backup');
          return succeeded();
        },
      }),
      d.deploymentId,
    );
    expect(outcome).toEqual({ kind: 'idle' });
    expect(ran).toEqual([]);
    const ops = await all<{ kind: string; status: string; attempts: number }>(
      em,
      'select kind, status, attempts from operations where deployment_id = ? order by operations.id',
      [d.deploymentId.toString()],
    );
    expect(ops).toEqual([
      { kind: 'upgrade', status: 'queued', attempts: 0 },
      { kind: 'backup', status: 'queued', attempts: 0 },
    ]);
  });

  it('hands the lease back between steps of a continuation', async () => {
    const em = fleet.em() as EntityManager;
    const d = await seedDeployment(em, fleet.emu.endpoint);
    await requestBackup(em, null, d.deploymentId);
    let calls = 0;
    const handlers: OperationHandlers = {
      backup: async () => (++calls < 3 ? continueAfter(5_000) : succeeded()),
    };
    expect(await driveDeployment(deps(handlers), d.deploymentId)).toMatchObject({
      kind: 'later',
      delayMs: 5_000,
    });
    const op = await row<{ status: string; lease_owner: string | null }>(
      em,
      'select status, lease_owner from operations where deployment_id = ?',
      [d.deploymentId.toString()],
    );
    expect(op).toEqual({ status: 'running', lease_owner: null });
    await driveDeployment(deps(handlers), d.deploymentId);
    expect(await driveDeployment(deps(handlers), d.deploymentId)).toEqual({ kind: 'idle' });
    expect(calls).toBe(3);
  });
});
