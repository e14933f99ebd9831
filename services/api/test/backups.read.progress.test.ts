import {
  completeBackup,
  findBackup,
  loadSnapshots,
  recordPoll,
  recordSnapshotIds,
  startBackup,
  weightedProgress,
} from '@backups/shared/backups';
import { describe, expect, it } from 'vitest';
import { expectStatus, seedBackup, seedTenant, useApi } from './harness.js';

const api = useApi();

describe('a backup shows its progress', () => {
  it('null before its snapshots start, the stored value while they run, 100 once completed', async () => {
    const t = await seedTenant(api.em());
    const backupId = await seedBackup(api.em(), t.deploymentId, { status: 'pending' });

    /** The backup as the list and the get both show it (they must agree). */
    const shown = async () => {
      const list = await api.request('GET', `/deployments/${t.deploymentId}/backups`, { key: t.readKey });
      expectStatus(list, 200);
      const one = await api.request('GET', `/deployments/${t.deploymentId}/backups/${backupId}`, {
        key: t.readKey,
      });
      expectStatus(one, 200);
      const listed = (list.json as Array<Record<string, unknown>>).find(
        (b) => BigInt(b.id as number) === backupId,
      );
      expect(listed).toEqual(one.json);
      return one.json as { status: string; progress: unknown; snapshot_ids: string[] };
    };

    expect(await shown()).toMatchObject({ status: 'pending', progress: null });

    // Started: the snapshots are planned, none requested from EC2 yet.
    const em = api.em();
    const backup = await findBackup(em, backupId);
    if (!backup) throw new Error('the seeded backup is missing');
    expect(await startBackup(em, backup)).toEqual({ started: true, planned: 2 });
    expect(await shown()).toMatchObject({ status: 'in_progress', progress: null, snapshot_ids: [] });

    // EC2 accepted both and reports 30% and 70%; the poller stores their weighted mean.
    const planned = await loadSnapshots(em, backupId);
    await recordSnapshotIds(em, backupId, new Map(planned.map((s, i) => [s.volumeId, `snap-0progress${i}`])));
    const recorded = await loadSnapshots(em, backupId);
    const polled = recorded.map((s, i) => ({ ...s, progress: i === 0 ? 30 : 70 }));
    const progress = weightedProgress(polled);
    expect(progress).toBe(50);
    await recordPoll(
      em,
      polled.map((s) => ({
        id: s.id,
        state: 'pending',
        progress: s.progress,
        sizeBytes: null,
        stateMessage: null,
      })),
      new Map([[backupId, progress ?? 0]]),
    );
    expect(await shown()).toMatchObject({
      status: 'in_progress',
      progress: 50,
      snapshot_ids: ['snap-0progress0', 'snap-0progress1'],
    });

    // Completing stores 100 in the same update.
    expect(await completeBackup(em, backupId, 1024n)).toBe(true);
    expect((await findBackup(em, backupId))?.progress).toBe(100);
    expect(await shown()).toMatchObject({ status: 'completed', progress: 100 });
  });
});
