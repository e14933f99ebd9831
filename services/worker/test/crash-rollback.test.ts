import { describe, it } from 'vitest';
import {
  type CrashScenario,
  completedBackups,
  expectScenariosFor,
  HANG_MS,
  newRestore,
  runCrashMatrix,
  useSpawnedWorkers,
} from './harness/crash-run.js';
import { useTestFleet } from './harness/fleet.js';

const fleet = useTestFleet();
const spawned = useSpawnedWorkers();

/** EC2 refuses the next call of `action` for good (not a throttle). */
const refuseNext = (action: string) => () =>
  fleet.emu.control.injectFault({
    action,
    code: 'InvalidParameterValue',
    count: 1,
    message: `injected ${action} failure`,
  });

// Two chains of crashes, each on one restore (a fault armed for one restore
// could be taken by another's retry, so each path has a single restore):
// - abort: a crash right after the first new volume is made, before it is
//   recorded; the takeover's CreateVolume is refused, so the restore aborts and
//   must find that volume by its tag to delete it;
// - rollback: StartInstances is refused once the new volumes are attached, so
//   the restore rolls back, taken over mid- and after each rollback step.
const scenarios = (sources: { deploymentId: bigint; backupId: bigint }[]): CrashScenario[] => [
  { point: 'restore:mid-create_volumes', request: () => newRestore(fleet, sources[0], 'restore failed') },
  { point: 'restore:after-abort', arrange: refuseNext('CreateVolume') },
  {
    point: 'restore:mid-rollback_detach',
    arrange: refuseNext('StartInstances'),
    request: () => newRestore(fleet, sources[1], 'restore rolled_back'),
  },
  { point: 'restore:after-rollback_detach' },
  { point: 'restore:mid-rollback_attach' },
  { point: 'restore:after-rollback_attach' },
  { point: 'restore:mid-rollback_start' },
  { point: 'restore:after-rollback_start' },
  { point: 'restore:after-rollback_cleanup' },
];

describe('a worker SIGKILLed at each step of a restore that aborts or rolls back', () => {
  it('has a scenario for every abort and rollback crash point', () => {
    expectScenariosFor('rollback', scenarios([]));
  });

  it(
    'leaves state another worker process finishes to the original volumes, with every new volume deleted',
    async () => runCrashMatrix(fleet, spawned, scenarios(await completedBackups(fleet, 2))),
    6 * HANG_MS,
  );
});
