import { TAG_BACKUP } from '@backups/shared/ec2';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WorkerApp } from '../src/worker-app.js';
import { assertConsistent } from './harness/checks.js';
import { all, row, useTestFleet } from './harness/fleet.js';
import { requestBackup, requestRestore, seedDeployment } from './harness/seed.js';
import { waitFor } from './harness/wait.js';

// Slower snapshots than elsewhere (a 4 GiB snapshot takes ~0.8 s) so the test
// can fail one while it is still pending.
const fleet = useTestFleet({ timeScale: 0.01 });

async function finalBackup(backupId: bigint) {
  return waitFor(
    `backup ${backupId} finished`,
    async () => {
      const b = await row<{ status: string; failure_reason: string | null }>(
        fleet.em(),
        'select status, failure_reason from backups where id = ?',
        [backupId.toString()],
      );
      return b && (b.status === 'completed' || b.status === 'failed') ? b : undefined;
    },
    60_000,
  );
}

describe('EC2 faults', () => {
  let app: WorkerApp | undefined;
  beforeAll(async () => {
    app = await fleet.startInProcessWorker({ POLL_INTERVAL_MS: '50' });
  });

  it('fails a backup cleanly when a snapshot goes to error', async () => {
    const em = fleet.em();
    const d = await seedDeployment(em, fleet.emu.endpoint, { nodes: 2, volumesPerNode: 2 });
    // The emulator's clock stands still (a virtual second per ~12 real days) until the fault
    // is in: the snapshot is certainly still pending when it is failed, however slow the machine.
    const { timeScale } = await fleet.emu.control.config();
    await fleet.emu.control.configure({ timeScale: 1e9 });
    const { backupId } = await requestBackup(em, fleet.queues, d.deploymentId);
    const snapshotId = await waitFor(
      'a recorded snapshot',
      async () =>
        (
          await row<{ snapshot_id: string }>(
            em,
            'select snapshot_id from backup_snapshots where backup_id = ? and snapshot_id is not null limit 1',
            [backupId.toString()],
          )
        )?.snapshot_id,
    );
    await fleet.emu.control.failResource({ id: snapshotId, message: 'EBS could not read the volume' });
    await fleet.emu.control.configure({ timeScale });

    const b = await finalBackup(backupId);
    expect(b.status).toBe('failed');
    expect(b.failure_reason).toContain(snapshotId);
    expect(b.failure_reason).toContain('EBS could not read the volume');
    expect(b.failure_reason).toContain('create a new backup');
    const left = (await fleet.emu.control.state()).snapshots.filter(
      (s) => s.tags[TAG_BACKUP] === backupId.toString(),
    );
    expect(left).toEqual([]);
    const op = await row<{ status: string; error: string }>(
      em,
      'select status, error from operations where backup_id = ?',
      [backupId.toString()],
    );
    expect(op?.status).toBe('failed');
  });

  it('rolls a restore back to the original volumes when attaching fails', async () => {
    const em = fleet.em();
    const d = await seedDeployment(em, fleet.emu.endpoint, { nodes: 2, volumesPerNode: 1 });
    const { backupId } = await requestBackup(em, fleet.queues, d.deploymentId);
    expect((await finalBackup(backupId)).status).toBe('completed');
    const before = await all<{ volume_id: string }>(
      em,
      'select v.volume_id from volumes v join nodes n on n.id = v.node_id where n.deployment_id = ? order by v.volume_id',
      [d.deploymentId.toString()],
    );

    await fleet.emu.control.injectFault({
      action: 'AttachVolume',
      code: 'InvalidParameterValue',
      count: 1,
      message: 'device busy',
    });
    const { restoreId } = await requestRestore(em, fleet.queues, d.deploymentId, backupId);
    const r = await waitFor(
      'restore ended',
      async () => {
        const x = await row<{ status: string; error: string | null }>(
          em,
          'select status, error from restores where id = ?',
          [restoreId.toString()],
        );
        return x && x.status !== 'pending' && x.status !== 'in_progress' ? x : undefined;
      },
      60_000,
    );
    expect(r.status).toBe('rolled_back');
    expect(r.error).toContain('device busy');
    const after = await all<{ volume_id: string }>(
      em,
      'select v.volume_id from volumes v join nodes n on n.id = v.node_id where n.deployment_id = ? order by v.volume_id',
      [d.deploymentId.toString()],
    );
    expect(after).toEqual(before);
    expect(await assertConsistent(em, await fleet.emu.control.state())).toEqual([]);
  });

  it('retries through a storm of throttling errors: every backup completes, each throttle is counted, no snapshot is duplicated', async () => {
    const em = fleet.em();
    const deps = [];
    for (let i = 0; i < 4; i++)
      deps.push(await seedDeployment(em, fleet.emu.endpoint, { nodes: 1, volumesPerNode: 2 }));
    for (const [action, code, count] of [
      ['CreateSnapshots', 'RequestLimitExceeded', 12],
      ['CreateSnapshots', 'ConcurrentSnapshotLimitExceeded', 6],
      ['CreateSnapshots', 'SnapshotCreationPerVolumeRateExceeded', 4],
      ['DescribeSnapshots', 'RequestLimitExceeded', 10],
      ['DescribeInstances', 'RequestLimitExceeded', 5],
    ] as const) {
      await fleet.emu.control.injectFault({ action, code, count });
    }
    const ids: bigint[] = [];
    for (const d of deps) ids.push((await requestBackup(em, fleet.queues, d.deploymentId)).backupId);
    for (const id of ids) expect((await finalBackup(id)).status).toBe('completed');
    const calls = await fleet.emu.control.calls();
    expect(calls.CreateSnapshots?.errors.RequestLimitExceeded).toBe(12);
    expect(calls.CreateSnapshots?.errors.ConcurrentSnapshotLimitExceeded).toBe(6);
    // The adapter counted each throttled answer (what the metrics endpoint exports).
    expect(app?.ec2.counter.total({ outcome: 'throttled' })).toBeGreaterThanOrEqual(37);
    // One successful CreateSnapshots per backup: throttled attempts never made duplicates.
    const snaps = (await fleet.emu.control.state()).snapshots.filter((s) =>
      ids.map(String).includes(s.tags[TAG_BACKUP] ?? ''),
    );
    expect(snaps).toHaveLength(ids.length * 2);
  });
});
