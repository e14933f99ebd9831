import { describe, expect, it } from 'vitest';
import {
  type CrashScenario,
  completedBackups,
  expectScenariosFor,
  HANG_MS,
  newDeployment,
  runCrashMatrix,
  useSpawnedWorkers,
} from './harness/crash-run.js';
import { useTestFleet } from './harness/fleet.js';
import { requestDelete, requestUpgrade } from './harness/seed.js';

const fleet = useTestFleet();
const spawned = useSpawnedWorkers();

/** An upgrade (without a pre-upgrade backup) of a new deployment, which must complete. */
const upgrading = (point: CrashScenario['point']): CrashScenario => ({
  point,
  request: async () => {
    const d = await newDeployment(fleet);
    const { opId } = await requestUpgrade(fleet.em(), fleet.queues, d.deploymentId, '0.5.0', false);
    return { opId, want: 'upgrade completed' };
  },
});

/** The delete of a completed backup, which must end `deleted` with its snapshots gone. */
const deleting = (point: CrashScenario['point'], source?: { backupId: bigint }): CrashScenario => ({
  point,
  request: async () => {
    if (!source) throw new Error('no completed backup left to delete');
    await requestDelete(fleet.em(), fleet.queues, source.backupId);
    return { backupId: source.backupId, want: 'backup deleted' };
  },
});

const scenarios = (sources: { backupId: bigint }[]): CrashScenario[] => [
  upgrading('upgrade:after-begin'),
  upgrading('upgrade:mid-stop_nodes'),
  upgrading('upgrade:after-stop_nodes'),
  upgrading('upgrade:mid-start_nodes'),
  upgrading('upgrade:after-start_nodes'),
  upgrading('upgrade:before-finish'),
  deleting('delete:after-delete-snapshots', sources[0]),
  deleting('delete:after-mark-deleted', sources[1]),
];

describe('a worker SIGKILLed at each step of an upgrade or a backup delete', () => {
  it('has a scenario for every upgrade and delete crash point', () => {
    expectScenariosFor('upgrade-delete', scenarios([]));
  });

  it(
    'leaves state another worker process finishes: nodes running on the new version, deleted snapshots gone',
    async () => {
      await runCrashMatrix(fleet, spawned, scenarios(await completedBackups(fleet, 2)));
      const versions = await fleet
        .em()
        .getConnection()
        .execute<{ version: string }[]>(
          `select d.version from upgrades u join deployments d on d.id = u.deployment_id`,
        );
      expect(versions.map((v) => v.version)).toEqual(Array(6).fill('0.5.0'));
    },
    6 * HANG_MS,
  );
});
