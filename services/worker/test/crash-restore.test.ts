import { describe, it } from 'vitest';
import {
  type CrashScenario,
  completedBackups,
  crashPointsOf,
  HANG_MS,
  newRestore,
  runCrashMatrix,
  useSpawnedWorkers,
} from './harness/crash-run.js';
import { useTestFleet } from './harness/fleet.js';

const fleet = useTestFleet();
const spawned = useSpawnedWorkers();

// The forward path of a restore: every restore crash point outside the abort
// and rollback paths (crash-rollback.test.ts), each with a restore of its own
// (of its own deployment) that must complete. A crasher may also take over (and
// die on) an earlier scenario's restore at the same point.
const POINTS = crashPointsOf('restore');

describe('a worker SIGKILLed at each forward step of a restore', () => {
  it(
    'leaves state another worker process finishes to the restored volumes, with no orphan volume',
    async () => {
      const sources = await completedBackups(fleet, POINTS.length);
      const scenarios: CrashScenario[] = POINTS.map((point, i) => ({
        point,
        request: () => newRestore(fleet, sources[i], 'restore completed'),
      }));
      await runCrashMatrix(fleet, spawned, scenarios);
    },
    6 * HANG_MS,
  );
});
