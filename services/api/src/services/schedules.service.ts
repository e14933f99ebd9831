import { assertBackupsSupported, assertPlanHasBackups, DomainError } from '@backups/shared/backups';
import { removeScheduleJob, upsertScheduleJob } from '@backups/shared/schedules';
import { isNodeOfDeployment } from '../repositories/deployment.repository.js';
import {
  deleteSchedule,
  getSchedule,
  type ScheduleInput,
  upsertSchedule,
} from '../repositories/schedule.repository.js';
import type { ScheduleView } from '../serialize/schedule.serializer.js';
import { notFound, requireDeployment } from './deployment-access.js';
import { type Caller, forkEm, type ServiceDeps } from './service-deps.js';
import { assertRedisReachable } from './work-signals.js';

// Postgres holds the schedule; the BullMQ job scheduler that fires it is a
// mirror. The mirror is updated after the commit; if that fails, the
// scheduler's reconcile job (every RECONCILE_EVERY_MS) brings Redis in line, so
// the request still succeeds once Postgres has it.

function noSchedule(deploymentId: bigint) {
  return notFound(`A backup schedule for deployment ${deploymentId}`);
}

export async function getDeploymentSchedule(
  deps: ServiceDeps,
  caller: Caller,
  deploymentId: bigint,
): Promise<ScheduleView> {
  const em = forkEm(deps);
  await requireDeployment(em, caller, deploymentId);
  const schedule = await getSchedule(em, deploymentId);
  if (!schedule) throw noSchedule(deploymentId);
  return schedule;
}

async function mirror(caller: Caller, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    caller.logger.warn(
      { err: { message: (err as Error).message } },
      'schedule saved; the scheduler will mirror it to Redis on its next sync',
    );
  }
}

export async function putDeploymentSchedule(
  deps: ServiceDeps,
  caller: Caller,
  deploymentId: bigint,
  input: ScheduleInput,
): Promise<ScheduleView> {
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
    return upsertSchedule(tx, deploymentId, input);
  });
  await mirror(caller, () => upsertScheduleJob(deps.queues.queue('maintenance'), saved));
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
  await mirror(caller, () => removeScheduleJob(deps.queues.queue('maintenance'), deploymentId));
}
