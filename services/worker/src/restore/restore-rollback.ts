import {
  continueAfter,
  failed,
  type OperationContext,
  type StepResult,
} from '../operations/operation-context.js';
import { endRestore, type PlanRow, type RestoreRow, setStep } from './restore.repository.js';
import { instancesOf, originals, replacements, restoreVolumes, volumeView } from './restore-ec2.js';
import {
  attachDecision,
  type Decision,
  detachDecision,
  instanceDecision,
  type RestoreStep,
} from './restore-steps.js';

type Settle = <T>(
  ctx: OperationContext,
  restore: RestoreRow,
  step: RestoreStep,
  decision: Decision<T>,
  act: (items: T[]) => Promise<void>,
) => Promise<StepResult>;

/**
 * Rollback after a failure once the nodes may have been stopped: the original
 * volumes go back where they were, the nodes start, the new volumes are
 * deleted, and the restore ends `rolled_back` with the reason. Each step is
 * idempotent like the forward ones. A rollback step that cannot do its part
 * (an original volume vanished) records why and goes on: a half-rolled-back
 * deployment left stopped would be worse.
 */
export async function rollbackStep(
  ctx: OperationContext,
  restore: RestoreRow,
  step: RestoreStep,
  planRows: PlanRow[],
  h: { advance: () => Promise<StepResult>; settle: Settle },
): Promise<StepResult> {
  switch (step) {
    case 'rollback_detach': {
      const items = replacements(planRows);
      const view = await volumeView(ctx.ec2, items);
      return h.settle(ctx, restore, step, detachDecision(items, view.attachment), async (todo) => {
        for (const i of todo) await ctx.ec2.detachVolume(i);
      });
    }
    case 'rollback_attach': {
      const items = originals(planRows);
      const view = await volumeView(ctx.ec2, items);
      const decision = attachDecision(items, view.attachment, view.state);
      if (decision.kind === 'fail')
        return skipWithNote(ctx, restore, step, `could not re-attach: ${decision.reason}`);
      return h.settle(ctx, restore, step, decision, async (todo) => {
        for (const i of todo) await ctx.ec2.attachVolume(i);
        ctx.crashPoint('rollback:after-attach');
      });
    }
    case 'rollback_start': {
      const instances = instancesOf(planRows);
      const decision = instanceDecision(await ctx.ec2.instanceStates(instances), instances, 'running');
      if (decision.kind === 'fail')
        return skipWithNote(ctx, restore, step, `could not start: ${decision.reason}`);
      return h.settle(ctx, restore, step, decision, (ids) => ctx.ec2.startInstances(ids));
    }
    case 'rollback_cleanup': {
      const made = await restoreVolumes(ctx.ec2, restore.id, planRows);
      const busy = made.filter(
        (v) => v.state === 'creating' || v.attachments.some((a) => a.state !== 'detached'),
      );
      if (busy.length > 0) return continueAfter(ctx.pollMs);
      for (const v of made) {
        ctx.guard();
        await ctx.ec2.deleteVolume(v.volumeId);
      }
      const reason = `${restore.error ?? 'restore failed'} The deployment was rolled back to its original volumes.`;
      await ctx.fenced((tx) => endRestore(tx, restore, 'rolled_back', reason));
      return failed(reason);
    }
    default:
      throw new Error(`not a rollback step: ${step}`);
  }
}

async function skipWithNote(
  ctx: OperationContext,
  restore: RestoreRow,
  step: RestoreStep,
  note: string,
): Promise<StepResult> {
  ctx.log.error({ step, note }, 'rollback step could not complete; operator attention needed');
  const next = step === 'rollback_attach' ? 'rollback_start' : 'rollback_cleanup';
  await ctx.fenced((tx) =>
    setStep(
      tx,
      restore.id,
      next,
      `${restore.error ?? ''} Rollback ${step} ${note}; operator attention needed.`.trim(),
    ),
  );
  return continueAfter(0);
}
