import { describe, it } from 'vitest';
import {
  type CrashScenario,
  expectScenariosFor,
  HANG_MS,
  newBackup,
  runCrashMatrix,
  useSpawnedWorkers,
} from './harness/crash-run.js';
import { all, useTestFleet } from './harness/fleet.js';
import { waitFor } from './harness/wait.js';

const fleet = useTestFleet();
const spawned = useSpawnedWorkers();

/** The emulator's snapshot duration before the slow scenario, put back after it. */
let snapshotBaseMs = 0;
/** The backup of the failing scenario (known once it is requested). */
let failing = 0n;

// A backup that fails once its snapshots exist, taken over twice on its way to
// `failed`: one of its snapshots goes to `error` in EC2 while the others are
// still pending (the emulator made slow for it), so the cleanup really has
// partial snapshots to delete.
const failingBackup: CrashScenario[] = [
  {
    point: 'backup:after-give-up',
    arrange: async () => {
      snapshotBaseMs = (await fleet.emu.control.config()).timings.snapshotBaseMs;
      await fleet.emu.control.configure({ timings: { snapshotBaseMs: 1e9 } });
    },
    request: async () => {
      const b = await newBackup(fleet);
      failing = b.backupId;
      return { ...b, want: 'backup failed' };
    },
    during: async () => {
      const ids = await waitFor(
        'the failing backup snapshots recorded',
        async () => {
          const rows = await all<{ snapshot_id: string | null }>(
            fleet.em(),
            'select snapshot_id from backup_snapshots where backup_id = ?',
            [failing.toString()],
          );
          return rows.length > 0 && rows.every((r) => r.snapshot_id) ? rows : undefined;
        },
        HANG_MS,
      );
      await fleet.emu.control.failResource({
        id: ids[0]?.snapshot_id ?? '',
        message: 'injected snapshot failure',
      });
    },
    afterCrash: () => fleet.emu.control.configure({ timings: { snapshotBaseMs } }),
  },
  // Taken over in its cleanup: the snapshots are deleted in EC2, the backup not yet failed.
  { point: 'backup:after-delete-snapshots' },
  // Taken over once failed: its room in the region is not yet given back.
  { point: 'backup:before-release' },
];

// Each with a backup of its own that must complete. The crasher may also take
// over (and die on) an earlier scenario's backup at the same point.
const completing = (point: CrashScenario['point']): CrashScenario => ({
  point,
  request: () => newBackup(fleet),
});

const SCENARIOS: CrashScenario[] = [
  ...failingBackup,
  completing('backup:after-start'),
  completing('backup:after-reserve'),
  completing('backup:after-mark-requested'),
  completing('backup:after-confirm'),
  completing('backup:after-create-snapshots'),
  // Takes over the backup whose first CreateSnapshots was never recorded: it
  // finds those snapshots by tag, records them, and dies before creating the rest.
  { point: 'backup:after-adopt' },
  completing('backup:after-record-snapshots'),
  // The region's poller, mid-tick: after describing, after recording, after the ledger sync.
  completing('poller:after-describe'),
  completing('poller:after-record'),
  completing('poller:after-sync'),
  completing('backup:before-finish'),
];

describe('a worker SIGKILLed at each step of a backup', () => {
  it('has a scenario for every backup and poller crash point', () => {
    expectScenariosFor('backup', SCENARIOS);
  });

  it(
    'leaves state another worker process finishes to the right end: no orphan or duplicate snapshot, room released',
    () => runCrashMatrix(fleet, spawned, SCENARIOS),
    6 * HANG_MS,
  );
});
