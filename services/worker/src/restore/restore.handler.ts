import {
  Ec2FailureError,
  Ec2NotFoundError,
  MANAGED_BY_VALUE,
  restoredVolumeTags,
  TAG_MANAGED_BY,
  TAG_REPLACED_AT,
  TAG_RESTORE,
  type VolumeInfo,
} from '@backups/shared/ec2';
import {
  beginRestore,
  completeRestore,
  endRestore,
  loadRestorePlan,
  planRestore,
  type Restore,
  type RestorePlanItem,
  RestoreSchema,
  recordRestoreVolume,
  setRestoreStep,
  type UndoneRestoreStatus,
} from '@backups/shared/restores';
import { attachVolumes, detachVolumes, type MoveOutcome, moveInstances } from '../node-moves/node-moves.js';
import {
  continueAfter,
  failed,
  type OperationContext,
  type StepResult,
  succeeded,
} from '../operations/operation-context.js';
import {
  failurePath,
  instancesOf,
  isRestoreStep,
  nextStep,
  originals,
  type RestoreStep,
  replacements,
} from './restore-steps.js';

// One step of a restore operation; `restores.step` says which (the diagram is
// in restore-steps.ts). Each step reads EC2 and the plan, does what is not done
// yet, and records where the restore is before the next step runs. Crash-test
// hooks, per step: `restore:mid-<step>` once it has acted on EC2 (before it
// looks again), `restore:after-<step>` once its effect is complete (before the
// next step is recorded).

export async function restoreStep(ctx: OperationContext): Promise<StepResult> {
  const restoreId = ctx.lease.restoreId;
  if (restoreId === null) return failed('restore operation without a restore');
  const restore = await ctx.em.findOne(RestoreSchema, { id: restoreId });
  if (!restore) return failed(`restore ${restoreId} no longer exists`);
  if (restore.status === 'completed') return succeeded();
  if (restore.status === 'failed' || restore.status === 'rolled_back')
    return failed(restore.error ?? `restore ${restore.status}`);
  if (restore.status === 'pending') return writePlan(ctx, restore);
  const step: RestoreStep = isRestoreStep(restore.step) ? restore.step : 'create_volumes';
  const plan = await loadRestorePlan(ctx.em, restore);
  try {
    return await runStep(ctx, restore, step, plan);
  } catch (err) {
    // EC2 refused for good (not a throttle, which the drive loop turns into a wait).
    if (!(err instanceof Ec2FailureError || err instanceof Ec2NotFoundError)) throw err;
    return onFailure(ctx, restore, step, err.message);
  }
}

async function runStep(
  ctx: OperationContext,
  restore: Restore,
  step: RestoreStep,
  plan: RestorePlanItem[],
): Promise<StepResult> {
  switch (step) {
    case 'plan':
    case 'create_volumes':
      return createVolumes(ctx, restore, step, plan);
    case 'stop_nodes':
      return forward(
        ctx,
        restore,
        step,
        await moveInstances(ctx, instancesOf(plan), 'stopped', 'restore:mid-stop_nodes'),
      );
    case 'detach':
      return forward(ctx, restore, step, await detachVolumes(ctx, originals(plan), 'restore:mid-detach'));
    case 'attach':
      return forward(ctx, restore, step, await attachVolumes(ctx, replacements(plan), 'restore:mid-attach'));
    case 'start_nodes':
      return forward(
        ctx,
        restore,
        step,
        await moveInstances(ctx, instancesOf(plan), 'running', 'restore:mid-start_nodes'),
      );
    case 'finalize':
      return finalize(ctx, restore, plan);
    case 'abort':
      return deleteVolumesAndEnd(ctx, restore, plan, 'failed');
    // Rollback, once the nodes may have been stopped: the original volumes go
    // back where they were, the nodes start, the new volumes are deleted.
    case 'rollback_detach':
      return forward(
        ctx,
        restore,
        step,
        await detachVolumes(ctx, replacements(plan), 'restore:mid-rollback_detach'),
      );
    case 'rollback_attach':
      return rollback(
        ctx,
        restore,
        step,
        await attachVolumes(ctx, originals(plan), 'restore:mid-rollback_attach'),
        'could not re-attach',
      );
    case 'rollback_start':
      return rollback(
        ctx,
        restore,
        step,
        await moveInstances(ctx, instancesOf(plan), 'running', 'restore:mid-rollback_start'),
        'could not start',
      );
    case 'rollback_cleanup':
      return deleteVolumesAndEnd(ctx, restore, plan, 'rolled_back');
  }
}

/** Writes the whole plan before any EC2 call, or ends the restore `failed` if there is nothing it can do. */
async function writePlan(ctx: OperationContext, restore: Restore): Promise<StepResult> {
  const problem = await ctx.fenced(async (tx) => {
    const planned = await planRestore(tx, restore);
    if ('problem' in planned) return planned.problem;
    await beginRestore(tx, restore, planned.swaps);
    return null;
  });
  if (problem === null) {
    ctx.crashPoint('restore:after-plan');
    return continueAfter(0);
  }
  await ctx.fenced((tx) => endRestore(tx, restore, 'failed', problem));
  return failed(problem);
}

/** A forward (or rollback_detach) move: look again, take the next step, or fail the step. */
async function forward(
  ctx: OperationContext,
  restore: Restore,
  step: RestoreStep,
  moved: MoveOutcome,
): Promise<StepResult> {
  if (moved.kind === 'moving') return continueAfter(ctx.pollMs);
  if (moved.kind === 'failed') return onFailure(ctx, restore, step, moved.reason);
  return advance(ctx, restore, step);
}

/**
 * A rollback move that cannot do its part (an original volume vanished) records
 * why and goes on: a half-rolled-back deployment left stopped would be worse.
 */
async function rollback(
  ctx: OperationContext,
  restore: Restore,
  step: 'rollback_attach' | 'rollback_start',
  moved: MoveOutcome,
  what: string,
): Promise<StepResult> {
  if (moved.kind !== 'failed') return forward(ctx, restore, step, moved);
  const note = `${what}: ${moved.reason}`;
  ctx.log.error({ step, note }, 'rollback step could not complete; operator attention needed');
  const next = step === 'rollback_attach' ? 'rollback_start' : 'rollback_cleanup';
  const error = `${restore.error ?? ''} Rollback ${step} ${note}; operator attention needed.`.trim();
  await ctx.fenced((tx) => setRestoreStep(tx, restore.id, next, error));
  return continueAfter(0);
}

async function advance(ctx: OperationContext, restore: Restore, step: RestoreStep): Promise<StepResult> {
  const next = nextStep(step);
  if (next === null) throw new Error(`no step after ${step}`);
  ctx.crashPoint(`restore:after-${step}`);
  await ctx.fenced((tx) => setRestoreStep(tx, restore.id, next));
  return continueAfter(0);
}

async function onFailure(
  ctx: OperationContext,
  restore: Restore,
  step: RestoreStep,
  message: string,
): Promise<StepResult> {
  const path = failurePath(step);
  ctx.log.warn({ step, path, reason: message }, 'restore step failed');
  if (path === 'retry') return continueAfter(ctx.pollMs * 2);
  const reason = `Restore failed at step ${step}: ${message}`;
  await ctx.fenced((tx) => setRestoreStep(tx, restore.id, path, reason));
  return continueAfter(0);
}

async function createVolumes(
  ctx: OperationContext,
  restore: Restore,
  step: RestoreStep,
  plan: RestorePlanItem[],
): Promise<StepResult> {
  for (const p of plan.filter((r) => r.newVolumeId === null)) {
    ctx.guard();
    // ClientToken: after a crash before the write below, the retry gets the same volume back.
    const volume = await ctx.ec2.createVolume({
      availabilityZone: p.availabilityZone,
      snapshotId: p.snapshotId,
      volumeType: p.volumeType,
      sizeGiB: p.sizeGib,
      iops: p.iops,
      throughput: p.throughput,
      encrypted: p.encrypted,
      kmsKeyId: p.kmsKeyId,
      clientToken: p.clientToken,
      tags: restoredVolumeTags({
        tenantId: ctx.deployment.tenantId,
        deploymentId: ctx.deployment.id,
        nodeId: p.nodeId,
        restoreId: restore.id,
      }),
    });
    ctx.crashPoint('restore:mid-create_volumes');
    await ctx.fenced((tx) => recordRestoreVolume(tx, p.id, volume.volumeId));
    p.newVolumeId = volume.volumeId;
  }
  const created = await ctx.ec2.describeVolumes(plan.flatMap((p) => (p.newVolumeId ? [p.newVolumeId] : [])));
  const broken = created.find((v) => v.state === 'error');
  if (broken)
    return onFailure(
      ctx,
      restore,
      step,
      `new volume ${broken.volumeId} from snapshot ${broken.snapshotId ?? '?'} failed to create`,
    );
  if (created.length < plan.length)
    return onFailure(ctx, restore, step, 'a newly created volume disappeared');
  if (created.every((v) => v.state === 'available')) return advance(ctx, restore, 'create_volumes');
  return continueAfter(ctx.pollMs);
}

async function finalize(
  ctx: OperationContext,
  restore: Restore,
  plan: RestorePlanItem[],
): Promise<StepResult> {
  // Replaced volumes stay for the grace period, then the scheduler deletes them:
  // the tags say since when and why, and make them ours (the cleanup only ever
  // looks at resources carrying the managed-by tag).
  ctx.guard();
  await ctx.ec2.createTags(
    plan.map((p) => p.originalVolumeId),
    {
      [TAG_MANAGED_BY]: MANAGED_BY_VALUE,
      [TAG_REPLACED_AT]: new Date().toISOString(),
      [TAG_RESTORE]: restore.id.toString(),
    },
  );
  ctx.crashPoint('restore:after-finalize');
  await ctx.fenced((tx) => completeRestore(tx, restore, plan));
  return succeeded();
}

/**
 * How a restore that did not happen ends, once every volume it made is deleted:
 * `abort` (a failure before the nodes were touched) ends `failed`, the last
 * rollback step ends `rolled_back`, each with the reason.
 */
async function deleteVolumesAndEnd(
  ctx: OperationContext,
  restore: Restore,
  plan: RestorePlanItem[],
  end: UndoneRestoreStatus,
): Promise<StepResult> {
  const busy =
    end === 'failed'
      ? (v: VolumeInfo) => v.state === 'creating' || v.attachments.length > 0
      : (v: VolumeInfo) => v.state === 'creating' || v.attachments.some((a) => a.state !== 'detached');
  if (!(await deleteMadeVolumes(ctx, restore, plan, busy))) return continueAfter(ctx.pollMs);
  ctx.crashPoint(end === 'failed' ? 'restore:after-abort' : 'restore:after-rollback_cleanup');
  const reason =
    end === 'failed'
      ? (restore.error ?? 'restore failed')
      : `${restore.error ?? 'restore failed'} The deployment was rolled back to its original volumes.`;
  await ctx.fenced((tx) => endRestore(tx, restore, end, reason));
  return failed(reason);
}

/**
 * Deletes every volume this restore made: the recorded ones plus any made but
 * not recorded (found by tag), never the originals whatever their tags say.
 * False (nothing deleted) while any of them is still `busy`.
 */
async function deleteMadeVolumes(
  ctx: OperationContext,
  restore: Restore,
  plan: RestorePlanItem[],
  busy: (v: VolumeInfo) => boolean,
): Promise<boolean> {
  const recorded = plan.flatMap((p) => (p.newVolumeId ? [p.newVolumeId] : []));
  const made = new Map((await ctx.ec2.describeVolumes(recorded)).map((v) => [v.volumeId, v]));
  for (const v of await ctx.ec2.findVolumesByTag(TAG_RESTORE, restore.id.toString())) made.set(v.volumeId, v);
  for (const p of plan) made.delete(p.originalVolumeId);
  if ([...made.values()].some(busy)) return false;
  for (const v of made.values()) {
    ctx.guard();
    await ctx.ec2.deleteVolume(v.volumeId);
  }
  return true;
}
