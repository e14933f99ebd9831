import { Ec2FailureError, Ec2NotFoundError } from '@backups/shared/ec2';
import {
  continueAfter,
  failed,
  type OperationContext,
  type OperationHandler,
  type StepResult,
  succeeded,
} from '../operations/operation-context.js';
import { instanceDecision } from '../restore/restore-steps.js';
import {
  backupOutcome,
  completeUpgrade,
  failUpgrade,
  instancesOf,
  loadUpgrade,
  recordVersion,
  startUpgrade,
  type UpgradeRow,
} from './upgrade.repository.js';

// One step of an upgrade. The operation runs
// only after the deployment's earlier operations, so its pre-upgrade backup has
// settled by now: completed → stop the nodes, record the new version, start
// them; anything else → the upgrade is aborted before touching the deployment.
// Every step reads the state it needs (upgrade row, EC2 instance states) and
// is safe to repeat, so any worker resumes it where it was.

async function checkPreUpgradeBackup(ctx: OperationContext, u: UpgradeRow): Promise<StepResult | null> {
  if (u.preUpgradeBackupId === null) return null;
  const backup = await backupOutcome(ctx.em, u.preUpgradeBackupId);
  if (backup?.status === 'completed') return null;
  if (backup?.status === 'pending' || backup?.status === 'in_progress') return continueAfter(ctx.pollMs);
  const why = backup?.failureReason ? `: ${backup.failureReason}` : '';
  const error =
    `Upgrade aborted: the pre-upgrade backup ${u.preUpgradeBackupId} ${backup ? `is ${backup.status}` : 'no longer exists'}${why}. ` +
    'The deployment was not changed; fix the cause and request the upgrade again.';
  await ctx.fenced((tx) => failUpgrade(tx, u, error, 'running'));
  return failed(error);
}

/**
 * Brings every node to `target` (stopping or starting the ones that are not
 * there yet, waiting for the ones on their way), then runs `whenThere`.
 */
async function moveNodes(
  ctx: OperationContext,
  u: UpgradeRow,
  instances: string[],
  target: 'stopped' | 'running',
  whenThere: () => Promise<StepResult>,
): Promise<StepResult> {
  const decision = instanceDecision(await ctx.ec2.instanceStates(instances), instances, target);
  switch (decision.kind) {
    case 'act':
      ctx.guard();
      await (target === 'stopped'
        ? ctx.ec2.stopInstances(decision.items)
        : ctx.ec2.startInstances(decision.items));
      return continueAfter(ctx.pollMs);
    case 'wait':
      return continueAfter(ctx.pollMs);
    case 'fail':
      return giveUp(ctx, u, instances, `could not bring the nodes to ${target}: ${decision.reason}`);
    case 'done':
      return whenThere();
  }
}

/** Fails the upgrade, leaving the deployment's status true to its nodes. */
async function giveUp(
  ctx: OperationContext,
  u: UpgradeRow,
  instances: string[],
  reason: string,
): Promise<StepResult> {
  const states = await ctx.ec2.instanceStates(instances).catch(() => new Map<string, string>());
  const allRunning = instances.every((id) => states.get(id) === 'running');
  const error = `Upgrade to ${u.targetVersion} failed: ${reason}.`;
  await ctx.fenced((tx) => failUpgrade(tx, u, error, allRunning ? 'running' : 'stopped'));
  return failed(error);
}

export const upgradeStep: OperationHandler = async (ctx) => {
  const upgradeId = ctx.lease.upgradeId;
  if (upgradeId === null) return failed('upgrade operation without an upgrade');
  const u = await loadUpgrade(ctx.em, upgradeId);
  if (!u) return failed(`upgrade ${upgradeId} no longer exists`);
  if (u.status === 'completed') return succeeded();
  if (u.status === 'failed') return failed(u.error ?? 'upgrade failed');

  if (u.status === 'pending') {
    const blocked = await checkPreUpgradeBackup(ctx, u);
    if (blocked) return blocked;
    await ctx.fenced((tx) => startUpgrade(tx, u));
    return continueAfter(0);
  }
  const instances = await instancesOf(ctx.em, u.deploymentId);
  try {
    if (u.step === 'start_nodes') {
      return await moveNodes(ctx, u, instances, 'running', async () => {
        await ctx.fenced((tx) => completeUpgrade(tx, u));
        return succeeded();
      });
    }
    // The nodes are down: record the new version, then bring them back up on it.
    return await moveNodes(ctx, u, instances, 'stopped', async () => {
      await ctx.fenced((tx) => recordVersion(tx, u));
      return continueAfter(0);
    });
  } catch (err) {
    // EC2 refused for good (not a throttle, which the drive loop turns into a wait).
    if (!(err instanceof Ec2FailureError || err instanceof Ec2NotFoundError)) throw err;
    return giveUp(ctx, u, instances, err.message);
  }
};
