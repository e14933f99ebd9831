import { type ProgressRow, weightedProgress } from '@backups/shared/backups';
import type { Orm } from '@backups/shared/db';
import { createMigratingOrm } from '@backups/shared/db/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyDatabase, databaseUrl, dropDatabase, seedDeployment } from '../../src/index.js';

// 0006 adds backups.progress and backfills it in SQL; the backfill must agree
// with weightedProgress, which the worker uses from then on.

describe('0006-backup-progress backfill', () => {
  let name: string;
  let orm: Orm;
  beforeAll(async () => {
    name = await createEmptyDatabase();
    orm = await createMigratingOrm({ databaseUrl: databaseUrl(name), poolMax: 2 });
    await orm.migrator.up({ to: '0005-cascade-within-deployment' });
  });
  afterAll(async () => {
    await orm?.close(true);
    if (name) await dropDatabase(name);
  });

  it('sets completed to 100, in-progress to the size-weighted mean of its snapshots, the rest null', async () => {
    const conn = orm.em.getConnection();
    type Row = ProgressRow & { volumeId: string };
    const backup = async (status: string, snapshots: Row[]) => {
      // One deployment per in-progress backup: only one may be in progress per deployment.
      const { deploymentId, nodeId } = await seedDeployment(orm.em.fork());
      const done = status === 'completed';
      const [row] = await conn.execute<{ id: string }[]>(
        `insert into backups (deployment_id, name, backup_type, status, region, size_bytes, started_at, completed_at)
         values (?, 'b', 'manual', ?, 'us-west-1', ?, ?, ?) returning id`,
        [
          deploymentId,
          status,
          done ? 1 : null,
          status === 'pending' ? null : new Date(),
          done ? new Date() : null,
        ],
      );
      for (const s of snapshots)
        await conn.execute(
          `insert into backup_snapshots (backup_id, node_id, volume_id, device_name, volume_size_gib, volume_type, snapshot_id, state, progress)
           values (?, ?, ?, '/dev/sdf', ?, 'gp3', ?, ?, ?)`,
          [row?.id, nodeId, s.volumeId, s.volumeSizeGib, s.snapshotId, s.state, s.progress],
        );
      return { id: BigInt(row?.id ?? 0), snapshots };
    };
    let n = 0;
    const snap = (volumeSizeGib: number, progress: number, opts: Partial<ProgressRow> = {}): Row => {
      n += 1;
      return {
        volumeId: `vol-${n}`,
        volumeSizeGib,
        progress,
        state: 'pending',
        snapshotId: `snap-${n}`,
        ...opts,
      };
    };

    const cases = [
      await backup('completed', [snap(50, 20)]),
      await backup('completed', []),
      await backup('in_progress', [snap(100, 10), snap(300, 50)]),
      await backup('in_progress', [snap(1, 99), snap(2, 100)]),
      await backup('in_progress', [snap(50, 0, { state: 'completed' }), snap(50, 70, { snapshotId: null })]),
      await backup('in_progress', [snap(50, 0, { snapshotId: null })]),
      await backup('in_progress', []),
      await backup('pending', []),
      await backup('failed', [snap(50, 40, { state: 'error' })]),
    ];

    await orm.migrator.up();

    const rows = await conn.execute<{ id: string; status: string; progress: number | null }[]>(
      'select id, status, progress from backups order by id',
    );
    expect(rows.map((r) => BigInt(r.id))).toEqual(cases.map((c) => c.id));
    rows.forEach((r, i) => {
      const expected =
        r.status === 'completed'
          ? 100
          : r.status === 'in_progress'
            ? weightedProgress(cases[i]?.snapshots ?? [])
            : null;
      expect(r.progress, `backup ${r.id} (${r.status})`).toBe(expected);
    });
    expect(rows.map((r) => r.progress)).toEqual([100, 100, 40, 99, 50, null, null, null, null]);

    await expect(conn.execute('update backups set progress = 101')).rejects.toThrow(/check constraint/);
  });
});
