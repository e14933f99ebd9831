import { assertBackupsSupported, assertPlanHasBackups, DomainError } from '@backups/shared/backups';
import {
  type BackupSchedule,
  deleteSchedule,
  getSchedule,
  type ScheduleInput,
  saveSchedule,
} from '@backups/shared/schedules';
import { isNodeOfDeployment } from '../repositories/deployment.repository.js';
import { notFound, requireDeployment } from './deployment-access.js';
import { type Caller, forkEm, type ServiceDeps } from './service-deps.js';
import { assertRedisReachable, signalCommittedWork } from './work-signals.js';

// Postgres holds the schedule; the BullMQ job scheduler that fires it is a
// mirror that only the scheduler writes. After the commit the API signals
// `schedule.sync` and the scheduler brings the mirror in line; if the signal is
// lost, the scheduler's reconcile job (every RECONCILE_EVERY_MS) does, so the
// request still succeeds once Postgres has it.

function noSchedule(deploymentId: bigint) {
  return notFound(`A backup schedule for deployment ${deploymentId}`);
}

export async function getDeploymentSchedule(
  deps: ServiceDeps,
  caller: Caller,
  deploymentId: bigint,
): Promise<BackupSchedule> {
  const em = forkEm(deps);
  await requireDeployment(em, caller, deploymentId);
  const schedule = await getSchedule(em, deploymentId);
  if (!schedule) throw noSchedule(deploymentId);
  return schedule;
}

export async function putDeploymentSchedule(
  deps: ServiceDeps,
  caller: Caller,
  deploymentId: bigint,
  input: ScheduleInput,
): Promise<BackupSchedule> {
  await assertRedisReachable(deps.redis);
  const saved = await forkEm(deps).transactional(async (tx) => {
    const deployment = await requireDeployment(tx, caller, deploymentId, true);
    assertPlanHasBackups(deployment.plan);
    assertBackupsSupported(deployment);
    if (input.nodeId !== null && !(await isNodeOfDeployment(tx, deploymentId, input.nodeId))) {
      throw new DomainError(
        'invalid_node',
        `Node ${input.nodeId} is not a node of deployment ${deploymentId}. Omit node_id to back up every node.`,
      );
    }
    return saveSchedule(tx, deploymentId, input);
  });
  await signalScheduleChanged(deps, caller, deploymentId);
  return saved;
}

export async function deleteDeploymentSchedule(
  deps: ServiceDeps,
  caller: Caller,
  deploymentId: bigint,
): Promise<void> {
  const removed = await forkEm(deps).transactional(async (tx) => {
    await requireDeployment(tx, caller, deploymentId, true);
    return deleteSchedule(tx, deploymentId);
  });
  if (!removed) throw noSchedule(deploymentId);
  await signalScheduleChanged(deps, caller, deploymentId);
}

function signalScheduleChanged(deps: ServiceDeps, caller: Caller, deploymentId: bigint): Promise<void> {
  return signalCommittedWork(deps.queues, caller.logger, 'schedule.sync', {
    deploymentId: deploymentId.toString(),
  });
}
