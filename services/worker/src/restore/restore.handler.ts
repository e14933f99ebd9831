import {
  Ec2FailureError,
  Ec2NotFoundError,
  MANAGED_BY_VALUE,
  restoredVolumeTags,
  TAG_MANAGED_BY,
  TAG_REPLACED_AT,
  TAG_RESTORE,
} from '@backups/shared/ec2';
import {
  continueAfter,
  failed,
  type OperationContext,
  type StepResult,
  succeeded,
} from '../operations/operation-context.js';
import {
  completeRestore,
  endRestore,
  loadPlan,
  loadRestore,
  type PlanRow,
  type RestoreRow,
  recordNewVolume,
  setStep,
  writePlan,
} from './restore.repository.js';
import {
  instancesOf,
  originals,
  RestoreStepFailure,
  replacements,
  restoreVolumes,
  volumeView,
} from './restore-ec2.js';
import { rollbackStep } from './restore-rollback.js';
import {
  attachDecision,
  type Decision,
  detachDecision,
  failurePath,
  instanceDecision,
  isRestoreStep,
  nextStep,
  type RestoreStep,
} from './restore-steps.js';

/** One step of a restore operation; `restores.step` says which. */
export async function restoreStep(ctx: OperationContext): Promise<StepResult> {
  const restoreId = ctx.lease.restoreId;
  if (restoreId === null) return failed('restore operation without a restore');
  const restore = await loadRestore(ctx.em, restoreId);
  if (!restore) return failed(`restore ${restoreId} no longer exists`);
  if (restore.status === 'completed') return succeeded();
  if (restore.status === 'failed' || restore.status === 'rolled_back')
    return failed(restore.error ?? `restore ${restore.status}`);
  if (restore.status === 'pending') return plan(ctx, restore);
  const step: RestoreStep = isRestoreStep(restore.step) ? restore.step : 'create_volumes';
  const planRows = await loadPlan(ctx.em, restore.id);
  try {
    return await runStep(ctx, restore, step, planRows);
  } catch (err) {
    if (
      !(
        err instanceof RestoreStepFailure ||
        err instanceof Ec2FailureError ||
        err instanceof Ec2NotFoundError
      )
    )
      throw err;
    return onFailure(ctx, restore, step, err.message);
  }
}

async function plan(ctx: OperationContext, restore: RestoreRow): Promise<StepResult> {
  const problem = await ctx.fenced((tx) => writePlan(tx, restore));
  if (problem === null) return continueAfter(0);
  await ctx.fenced((tx) => endRestore(tx, restore, 'failed', problem));
  return failed(problem);
}

async function onFailure(
  ctx: OperationContext,
  restore: RestoreRow,
  step: RestoreStep,
  message: string,
): Promise<StepResult> {
  const path = failurePath(step);
  ctx.log.warn({ step, path, reason: message }, 'restore step failed');
  if (path === 'retry') return continueAfter(ctx.pollMs * 2);
  const reason = `Restore failed at step ${step}: ${message}`;
  await ctx.fenced((tx) => setStep(tx, restore.id, path, reason));
  return continueAfter(0);
}

async function advance(ctx: OperationContext, restore: RestoreRow, step: RestoreStep): Promise<StepResult> {
  const next = nextStep(step);
  if (next === null) throw new Error(`no step after ${step}`);
  await ctx.fenced((tx) => setStep(tx, restore.id, next));
  return continueAfter(0);
}

/** The common shape of a waiting step: act (then poll), wait, advance, or fail. */
async function settle<T>(
  ctx: OperationContext,
  restore: RestoreRow,
  step: RestoreStep,
  decision: Decision<T>,
  act: (items: T[]) => Promise<void>,
): Promise<StepResult> {
  switch (decision.kind) {
    case 'act':
      ctx.guard();
      await act(decision.items);
      return continueAfter(ctx.pollMs);
    case 'wait':
      return continueAfter(ctx.pollMs);
    case 'done':
      return advance(ctx, restore, step);
    case 'fail':
      throw new RestoreStepFailure(decision.reason);
  }
}

async function runStep(
  ctx: OperationContext,
  restore: RestoreRow,
  step: RestoreStep,
  planRows: PlanRow[],
): Promise<StepResult> {
  const instances = instancesOf(planRows);
  switch (step) {
    case 'plan':
    case 'create_volumes':
      return createVolumes(ctx, restore, planRows);
    case 'stop_nodes': {
      const decision = instanceDecision(await ctx.ec2.instanceStates(instances), instances, 'stopped');
      return settle(ctx, restore, step, decision, async (ids) => {
        await ctx.ec2.stopInstances(ids);
        ctx.crashPoint('restore:after-stop');
      });
    }
    case 'detach': {
      const items = originals(planRows);
      const view = await volumeView(ctx.ec2, items);
      return settle(ctx, restore, step, detachDecision(items, view.attachment), async (todo) => {
        // Always with the instance id: a stale plan must never detach a volume from somewhere else.
        for (const i of todo) await ctx.ec2.detachVolume(i);
        ctx.crashPoint('restore:after-detach');
      });
    }
    case 'attach': {
      const items = replacements(planRows);
      const view = await volumeView(ctx.ec2, items);
      return settle(ctx, restore, step, attachDecision(items, view.attachment, view.state), async (todo) => {
        for (const i of todo) await ctx.ec2.attachVolume(i);
        ctx.crashPoint('restore:after-attach');
      });
    }
    case 'start_nodes': {
      const decision = instanceDecision(await ctx.ec2.instanceStates(instances), instances, 'running');
      return settle(ctx, restore, step, decision, async (ids) => {
        await ctx.ec2.startInstances(ids);
        ctx.crashPoint('restore:after-start');
      });
    }
    case 'finalize': {
      // Replaced volumes stay for the grace period, then the scheduler deletes them:
      // the tags say since when and why, and make them ours (the cleanup only ever
      // looks at resources carrying the managed-by tag).
      ctx.guard();
      await ctx.ec2.createTags(
        planRows.map((p) => p.originalVolumeId),
        {
          [TAG_MANAGED_BY]: MANAGED_BY_VALUE,
          [TAG_REPLACED_AT]: new Date().toISOString(),
          [TAG_RESTORE]: restore.id.toString(),
        },
      );
      await ctx.fenced((tx) => completeRestore(tx, restore, planRows));
      return succeeded();
    }
    case 'abort':
      return abort(ctx, restore, planRows);
    default:
      return rollbackStep(ctx, restore, step, planRows, {
        advance: () => advance(ctx, restore, step),
        settle,
      });
  }
}

async function createVolumes(
  ctx: OperationContext,
  restore: RestoreRow,
  planRows: PlanRow[],
): Promise<StepResult> {
  for (const p of planRows.filter((r) => r.newVolumeId === null)) {
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
    ctx.crashPoint('restore:after-create-volume');
    await ctx.fenced((tx) => recordNewVolume(tx, p.id, volume.volumeId));
    p.newVolumeId = volume.volumeId;
  }
  const created = await ctx.ec2.describeVolumes(
    planRows.flatMap((p) => (p.newVolumeId ? [p.newVolumeId] : [])),
  );
  const broken = created.find((v) => v.state === 'error');
  if (broken)
    throw new RestoreStepFailure(
      `new volume ${broken.volumeId} from snapshot ${broken.snapshotId ?? '?'} failed to create`,
    );
  if (created.length < planRows.length) throw new RestoreStepFailure('a newly created volume disappeared');
  if (created.every((v) => v.state === 'available')) return advance(ctx, restore, 'create_volumes');
  return continueAfter(ctx.pollMs);
}

/** Failure before the nodes were touched: delete what was created and end `failed`. */
async function abort(ctx: OperationContext, restore: RestoreRow, planRows: PlanRow[]): Promise<StepResult> {
  const made = await restoreVolumes(ctx.ec2, restore.id, planRows);
  if (made.some((v) => v.state === 'creating' || v.attachments.length > 0)) return continueAfter(ctx.pollMs);
  for (const v of made) {
    ctx.guard();
    await ctx.ec2.deleteVolume(v.volumeId);
  }
  const reason = restore.error ?? 'restore failed';
  await ctx.fenced((tx) => endRestore(tx, restore, 'failed', reason));
  return failed(reason);
}
