import { BackupSchema } from '@backups/shared/backups';
import { nodeInstanceIds, type SettledAfterChange } from '@backups/shared/deployments';
import { Ec2FailureError, Ec2NotFoundError } from '@backups/shared/ec2';
import {
  completeUpgrade,
  failUpgrade,
  recordUpgradedVersion,
  startUpgrade,
  type Upgrade,
  UpgradeSchema,
} from '@backups/shared/upgrades';
import { moveInstances } from '../node-moves/node-moves.js';
import {
  continueAfter,
  failed,
  type OperationContext,
  type OperationHandler,
  type StepResult,
  succeeded,
} from '../operations/operation-context.js';

// One step of an upgrade. The operation runs
// only after the deployment's earlier operations, so its pre-upgrade backup has
// settled by now: completed → stop the nodes, record the new version, start
// them; anything else → the upgrade is aborted before touching the deployment.
// Every step reads the state it needs (upgrade row, EC2 instance states) and
// is safe to repeat, so any worker resumes it where it was.

export const upgradeStep: OperationHandler = async (ctx) => {
  const upgradeId = ctx.lease.upgradeId;
  if (upgradeId === null) return failed('upgrade operation without an upgrade');
  const u = await ctx.em.findOne(UpgradeSchema, { id: upgradeId });
  if (!u) return failed(`upgrade ${upgradeId} no longer exists`);
  if (u.status === 'completed') return succeeded();
  if (u.status === 'failed') return failed(u.error ?? 'upgrade failed');

  if (u.status === 'pending') {
    const blocked = await checkPreUpgradeBackup(ctx, u);
    if (blocked) return blocked;
    await ctx.fenced((tx) => startUpgrade(tx, u));
    ctx.crashPoint('upgrade:after-begin');
    return continueAfter(0);
  }
  const instances = await nodeInstanceIds(ctx.em, u.deploymentId);
  try {
    if (u.step === 'start_nodes') {
      const moved = await moveInstances(ctx, instances, 'running', 'upgrade:mid-start_nodes');
      if (moved.kind === 'moving') return continueAfter(ctx.pollMs);
      if (moved.kind === 'failed') return giveUp(ctx, u, instances, notThere('running', moved.reason));
      ctx.crashPoint('upgrade:after-start_nodes');
      await ctx.fenced((tx) => completeUpgrade(tx, u));
      return succeeded();
    }
    // The nodes are down: record the new version, then bring them back up on it.
    const moved = await moveInstances(ctx, instances, 'stopped', 'upgrade:mid-stop_nodes');
    if (moved.kind === 'moving') return continueAfter(ctx.pollMs);
    if (moved.kind === 'failed') return giveUp(ctx, u, instances, notThere('stopped', moved.reason));
    ctx.crashPoint('upgrade:after-stop_nodes');
    await ctx.fenced((tx) => recordUpgradedVersion(tx, u));
    return continueAfter(0);
  } catch (err) {
    // EC2 refused for good (not a throttle, which the drive loop turns into a wait).
    if (!(err instanceof Ec2FailureError || err instanceof Ec2NotFoundError)) throw err;
    return giveUp(ctx, u, instances, err.message);
  }
};

const notThere = (target: 'stopped' | 'running', reason: string) =>
  `could not bring the nodes to ${target}: ${reason}`;

async function checkPreUpgradeBackup(ctx: OperationContext, u: Upgrade): Promise<StepResult | null> {
  const backupId = u.preUpgradeBackupId ?? null;
  if (backupId === null) return null;
  const backup = await ctx.em.findOne(
    BackupSchema,
    { id: backupId },
    { fields: ['status', 'failureReason'] },
  );
  if (backup?.status === 'completed') return null;
  if (backup?.status === 'pending' || backup?.status === 'in_progress') return continueAfter(ctx.pollMs);
  const why = backup?.failureReason ? `: ${backup.failureReason}` : '';
  const error =
    `Upgrade aborted: the pre-upgrade backup ${backupId} ${backup ? `is ${backup.status}` : 'no longer exists'}${why}. ` +
    'The deployment was not changed; fix the cause and request the upgrade again.';
  await ctx.fenced((tx) => failUpgrade(tx, u, error, 'running'));
  return failed(error);
}

/** Fails the upgrade, leaving the deployment's status true to its nodes. */
async function giveUp(
  ctx: OperationContext,
  u: Upgrade,
  instances: string[],
  reason: string,
): Promise<StepResult> {
  const states = await ctx.ec2.instanceStates(instances).catch(() => new Map<string, string>());
  const allRunning = instances.every((id) => states.get(id) === 'running');
  const error = `Upgrade to ${u.targetVersion} failed: ${reason}.`;
  const settled: SettledAfterChange = allRunning ? 'running' : 'stopped';
  await ctx.fenced((tx) => failUpgrade(tx, u, error, settled));
  return failed(error);
}
