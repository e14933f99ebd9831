import { afterAll, describe, expect, it } from 'vitest';
import { all, useTestFleet } from './harness/fleet.js';
import { spawnWorker, type WorkerProcess, workerEnv } from './harness/processes.js';
import { requestBackup, seedDeployment } from './harness/seed.js';
import { waitFor } from './harness/wait.js';

// Admission and batched polling end to end: two worker processes back up more
// deployments than the region has room for. The emulator enforces AWS's limits
// at a cap as small as the fleet's, so a single snapshot started beyond it would
// show as a refused CreateSnapshots.

const fleet = useTestFleet({ timeScale: 0.01 });
const workers: WorkerProcess[] = [];
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
});

const CAP = 4;
const DEPLOYMENTS = 6;

describe('snapshot admission across the fleet', () => {
  it('keeps the region under its cap with no refused call, one DescribeInstances per backup, and progress on the way', async () => {
    const em = fleet.em();
    await fleet.emu.control.configure({
      limits: {
        pendingSnapshotsPerRegion: CAP,
        pendingSnapshotsPerVolume: 5,
        snapshotIntervalPerVolumeMs: 15_000,
        throttling: false,
      },
    });
    const deps = [];
    for (let i = 0; i < DEPLOYMENTS; i++)
      deps.push(await seedDeployment(em, fleet.emu.endpoint, { nodes: 1, volumesPerNode: 2, name: `d${i}` }));
    const before = await fleet.emu.control.calls();

    const env = workerEnv(fleet.env, {
      SNAPSHOT_REGION_CAP: String(CAP),
      // EBS's 15 s per volume at this emulator's time scale.
      SNAPSHOT_VOLUME_SPACING_MS: '150',
      POLL_INTERVAL_MS: '50',
    });
    workers.push(spawnWorker(env), spawnWorker(env));
    for (const d of deps) await requestBackup(em, fleet.queues, d.deploymentId);

    // Watch the backups while they run: some must show a progress strictly between
    // 0 and 100, and no backup's progress may ever go back.
    const seen = new Set<number>();
    const last = new Map<string, number>();
    const wentBack: string[] = [];
    await waitFor(
      'every backup completed',
      async () => {
        const rows = await all<{ id: string; status: string; progress: number | null }>(
          em,
          'select id::text, status, progress from backups',
        );
        for (const r of rows) {
          if (r.progress === null) continue;
          if (r.status === 'in_progress') seen.add(r.progress);
          if (r.progress < (last.get(r.id) ?? 0)) wentBack.push(`${r.id}: ${last.get(r.id)} → ${r.progress}`);
          last.set(r.id, r.progress);
        }
        return rows.every((r) => r.status === 'completed');
      },
      60_000,
      20,
    );
    expect(wentBack).toEqual([]);
    expect(
      [...seen].some((p) => p > 0 && p < 100),
      `progress seen: ${[...seen].join(', ')}`,
    ).toBe(true);
    expect(await all(em, 'select progress from backups')).toEqual(
      Array.from({ length: DEPLOYMENTS }, () => ({ progress: 100 })),
    );

    const after = await fleet.emu.control.calls();
    const made = (action: string) => (after[action]?.total ?? 0) - (before[action]?.total ?? 0);
    // Never refused: no backup was let start beyond the region's room.
    expect(after.CreateSnapshots?.errors ?? {}).toEqual({});
    expect(made('CreateSnapshots')).toBe(DEPLOYMENTS);
    // The one attachment check of each backup.
    expect(made('DescribeInstances')).toBe(DEPLOYMENTS);
  });
});
