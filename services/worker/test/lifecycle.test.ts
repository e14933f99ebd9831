import { createLogger } from '@backups/shared';
import { MANAGED_BY_VALUE, TAG_BACKUP, TAG_MANAGED_BY, TAG_REPLACED_AT } from '@backups/shared/ec2';
import type { EntityManager } from '@mikro-orm/postgresql';
import { beforeAll, describe, expect, it } from 'vitest';
import { deleteBackup } from '../src/delete/delete-backup.js';
import type { WorkerApp } from '../src/worker-app.js';
import { all, row, useTestFleet } from './harness/fleet.js';
import { requestBackup, requestDelete, requestRestore, seedDeployment } from './harness/seed.js';
import { waitFor } from './harness/wait.js';

const fleet = useTestFleet();
const silent = createLogger({ service: 'test', level: 'silent', pretty: false });

describe('backup, restore and delete against the emulator', () => {
  let app: WorkerApp;
  beforeAll(async () => {
    app = await fleet.startInProcessWorker();
  });

  it('runs a deployment through backup → restore → delete', async () => {
    const em = fleet.em();
    const dep = await seedDeployment(em, fleet.emu.endpoint, { nodes: 2, volumesPerNode: 2 });
    const before = await all<{ volume_id: string }>(em, 'select volume_id from volumes order by id');

    // Backup: one CreateSnapshots per node, every snapshot tagged.
    const { backupId } = await requestBackup(em, fleet.queues, dep.deploymentId);
    const backup = await waitFor('backup completed', async () => {
      const b = await row<{ status: string; size_bytes: string | null; failure_reason: string | null }>(
        em,
        'select status, size_bytes::text, failure_reason from backups where id = ?',
        [backupId.toString()],
      );
      return b && b.status !== 'in_progress' && b.status !== 'pending' ? b : undefined;
    });
    expect(backup, JSON.stringify(backup)).toMatchObject({ status: 'completed' });
    // 2 nodes × (4 + 5 GiB), no FullSnapshotSizeInBytes → the volume sizes, or the full sizes if reported.
    expect(BigInt(backup.size_bytes ?? '0')).toBeGreaterThan(0n);
    const state = await fleet.emu.control.state();
    const ours = state.snapshots.filter((s) => s.tags[TAG_BACKUP] === backupId.toString());
    expect(ours).toHaveLength(4);
    for (const s of ours) expect(s.tags[TAG_MANAGED_BY]).toBe(MANAGED_BY_VALUE);
    const calls = await fleet.emu.control.calls();
    expect(calls.CreateSnapshots?.total).toBe(2);

    // Restore: new volumes at the same devices, nodes running, old volumes kept and tagged.
    const { restoreId } = await requestRestore(em, fleet.queues, dep.deploymentId, backupId);
    const restore = await waitFor('restore finished', async () => {
      const r = await row<{
        status: string;
        error: string | null;
        new_volume_ids: string[];
        replaced_volume_ids: string[];
      }>(em, 'select status, error, new_volume_ids, replaced_volume_ids from restores where id = ?', [
        restoreId.toString(),
      ]);
      return r && r.status !== 'pending' && r.status !== 'in_progress' ? r : undefined;
    });
    expect(restore, JSON.stringify(restore)).toMatchObject({ status: 'completed' });
    expect([...restore.replaced_volume_ids].sort()).toEqual(before.map((b) => b.volume_id).sort());
    const after = await all<{ volume_id: string }>(em, 'select volume_id from volumes order by id');
    expect(after.map((a) => a.volume_id).sort()).toEqual([...restore.new_volume_ids].sort());
    const dep2 = await row<{ status: string }>(em, 'select status from deployments where id = ?', [
      dep.deploymentId.toString(),
    ]);
    expect(dep2?.status).toBe('running');
    const s2 = await fleet.emu.control.state();
    for (const n of dep.nodes) {
      const inst = s2.instances.find((i) => i.instanceId === n.instanceId);
      expect(inst?.state).toBe('running');
      const attached =
        inst?.blockDeviceMappings
          .filter((m) => m.deviceName !== inst.rootDeviceName)
          .map((m) => m.volumeId) ?? [];
      for (const v of attached) expect(restore.new_volume_ids).toContain(v);
    }
    for (const old of restore.replaced_volume_ids) {
      const v = s2.volumes.find((x) => x.volumeId === old);
      expect(v?.state).toBe('available');
      expect(v?.tags[TAG_REPLACED_AT]).toBeTruthy();
      expect(v?.tags[TAG_MANAGED_BY]).toBe(MANAGED_BY_VALUE);
    }

    // Delete: every snapshot gone, backup `deleted`; running it twice is harmless.
    await requestDelete(em, fleet.queues, backupId);
    await waitFor('backup deleted', async () => {
      const b = await row<{ status: string }>(em, 'select status from backups where id = ?', [
        backupId.toString(),
      ]);
      return b?.status === 'deleted';
    });
    const s3 = await fleet.emu.control.state();
    expect(s3.snapshots.filter((s) => s.tags[TAG_BACKUP] === backupId.toString())).toHaveLength(0);
    const ops = await all<{ status: string }>(em, 'select status from operations order by id');
    expect(ops.map((o) => o.status)).toEqual(['succeeded', 'succeeded']);
    // A repeated delete signal finds nothing left to do.
    const again = await deleteBackup(
      { em: fleet.em() as EntityManager, ec2: app.ec2, log: silent },
      backupId,
    );
    expect(again).toBe('already_deleted');
  });

  it('deletes a backup without waiting behind a long backup of the same deployment', async () => {
    const em = fleet.em();
    const dep = await seedDeployment(em, fleet.emu.endpoint);
    const { backupId: old } = await requestBackup(em, fleet.queues, dep.deploymentId);
    await waitFor(
      'first backup completed',
      async () =>
        (await row<{ status: string }>(em, 'select status from backups where id = ?', [old.toString()]))
          ?.status === 'completed',
    );
    // Snapshots now take ~8 hours: the next backup stays in progress for the rest of the test,
    // however slowly a busy machine runs it.
    await fleet.emu.control.configure({ timings: { snapshotBaseMs: 60_000_000_000 } });
    try {
      const { backupId: slow } = await requestBackup(em, fleet.queues, dep.deploymentId);
      await waitFor(
        'slow backup snapshotting',
        async () =>
          (
            await row<{ n: number }>(
              em,
              'select count(*)::int as n from backup_snapshots where backup_id = ? and snapshot_id is not null',
              [slow.toString()],
            )
          )?.n === 1,
      );
      await requestDelete(em, fleet.queues, old);
      await waitFor(
        'old backup deleted',
        async () =>
          (await row<{ status: string }>(em, 'select status from backups where id = ?', [old.toString()]))
            ?.status === 'deleted',
      );
      const s = await row<{ status: string }>(em, 'select status from backups where id = ?', [
        slow.toString(),
      ]);
      expect(s?.status).toBe('in_progress');
    } finally {
      await fleet.emu.control.configure({ timings: { snapshotBaseMs: 60_000 } });
    }
  });
});
