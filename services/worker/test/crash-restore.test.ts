import { describe, expect, it } from 'vitest';
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

// The forward path of a restore, each point with a restore of its own (of its
// own deployment) that must complete. A crasher may also take over (and die on)
// an earlier scenario's restore at the same point.
const POINTS = [
  'restore:after-plan',
  'restore:after-create_volumes',
  'restore:mid-stop_nodes',
  'restore:after-stop_nodes',
  'restore:mid-detach',
  'restore:after-detach',
  'restore:mid-attach',
  'restore:after-attach',
  'restore:mid-start_nodes',
  'restore:after-start_nodes',
  'restore:after-finalize',
  'restore:before-finish',
] as const;

describe('a worker SIGKILLed at each step of a restore', () => {
  it('has a scenario for every forward restore crash point', () => {
    expect([...POINTS].sort()).toEqual(crashPointsOf('restore').sort());
  });

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
