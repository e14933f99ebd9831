import {
  type BackupWithPlan,
  CREATE_REQUESTED,
  completeBackup,
  failBackup,
  findBackupWithPlan,
  markCreateRequested,
  recordFailureReason,
  recordSnapshotIds,
  startBackupWithPlan,
} from '@backups/shared/backups';
import {
  Ec2FailureError,
  Ec2NotFoundError,
  MANAGED_BY_VALUE,
  snapshotTags,
  TAG_BACKUP,
  TAG_MANAGED_BY,
} from '@backups/shared/ec2';
import { deleteBackupSnapshots } from '../delete/snapshot-cleanup.js';
import {
  continueAfter,
  failed,
  type OperationContext,
  type StepResult,
  succeeded,
} from '../operations/operation-context.js';
import { type BackupPhase, backupPhase, snapshotExclusions, snapshotVerdict } from './backup-progress.js';

type Backup = BackupWithPlan['backup'];
type PlanRow = BackupWithPlan['snapshots'][number];

/**
 * One step of a backup operation: start; get room for its snapshots from the
 * region's admission ledger; snapshot each node; wait while the region's poller
 * follows the snapshots; finish, or clean up.
 */
export async function backupStep(ctx: OperationContext): Promise<StepResult> {
  const backupId = ctx.lease.backupId;
  if (backupId === null) return failed('backup operation without a backup');
  const found = await findBackupWithPlan(ctx.em, backupId);
  if (!found) return failed(`backup ${backupId} no longer exists`);
  const { backup, snapshots } = found;
  const phase = backupPhase(backup, snapshots);
  try {
    return await runPhase(ctx, backup, snapshots, phase);
  } catch (err) {
    // EC2 refused for good (not a throttle): the backup fails with EC2's words, cleanly.
    if (
      phase.kind === 'cleanup_failed' ||
      !(err instanceof Ec2FailureError || err instanceof Ec2NotFoundError)
    )
      throw err;
    return giveUp(
      ctx,
      backup,
      `${err.message}. Check the deployment's instances and the service's EC2 permissions, then create a new backup.`,
    );
  }
}

function runPhase(
  ctx: OperationContext,
  backup: Backup,
  snapshots: PlanRow[],
  phase: BackupPhase,
): Promise<StepResult> {
  switch (phase.kind) {
    case 'finished':
      if (phase.outcome === 'succeeded') return Promise.resolve(succeeded());
      // A worker that died between failing the backup and giving its room back.
      return releaseRoom(ctx, backup).then(() => failed(phase.error ?? 'backup failed'));
    case 'start':
      return start(ctx, backup);
    case 'create_snapshots':
      return createSnapshots(ctx, backup, snapshots);
    case 'await_snapshots':
      return awaitSnapshots(ctx, backup, snapshots);
    case 'cleanup_failed':
      return cleanUp(ctx, backup, snapshots, phase.reason);
  }
}

async function start(ctx: OperationContext, backup: Backup): Promise<StepResult> {
  const { started, planned, snapshots } = await ctx.fencedWrite(
    (guard) => startBackupWithPlan(ctx.em, backup, guard),
    (r) => r.started,
  );
  ctx.crashPoint('backup:after-start');
  // The statement returned the whole plan it wrote: snapshot it in this step
  // rather than reading back the rows it just wrote (the next step's read would
  // find exactly these). The fence still gates each write from here on.
  if (started && planned > 0 && snapshots) {
    return createSnapshots(ctx, { ...backup, status: 'in_progress' }, snapshots);
  }
  if (planned === 0) {
    await ctx.fenced((tx) =>
      recordFailureReason(
        tx,
        backup.id,
        'The deployment has no data volumes recorded, so there is nothing to back up. Register its volumes and try again.',
      ),
    );
  }
  return continueAfter(0);
}

async function createSnapshots(
  ctx: OperationContext,
  backup: Backup,
  snapshots: PlanRow[],
): Promise<StepResult> {
  // Adopt what an earlier attempt created but could not record: CreateSnapshots
  // has no idempotency token, so the tag is how a retry avoids a duplicate. The
  // intent is written before each CreateSnapshots, so the lookup (an EC2 call)
  // is only needed when an earlier attempt got that far (the rows just read say).
  const existing = snapshots.some((r) => r.stateMessage === CREATE_REQUESTED)
    ? await ctx.ec2.findSnapshotsByTag(TAG_BACKUP, backup.id.toString())
    : [];
  const adopted = new Map<string, string>();
  for (const s of existing) {
    if (s.tags[TAG_MANAGED_BY] !== MANAGED_BY_VALUE) continue;
    const row = snapshots.find((r) => r.volumeId === s.volumeId && r.snapshotId == null);
    if (row) {
      adopted.set(row.volumeId, s.snapshotId);
      row.snapshotId = s.snapshotId;
    }
  }
  if (adopted.size > 0) {
    ctx.log.info({ adopted: Object.fromEntries(adopted) }, 'adopted snapshots created by an earlier attempt');
    await ctx.fencedWrite(
      (guard) => recordSnapshotIds(ctx.em, backup.id, adopted, guard),
      (n) => n > 0,
    );
    ctx.crashPoint('backup:after-adopt');
  }

  const toCreate = snapshots.filter((r) => r.snapshotId == null);
  if (toCreate.length === 0) return continueAfter(0);

  // Room in the region first: a backup that cannot have it waits in the fair
  // queue without calling EC2 and without holding this worker slot. It asks for
  // every snapshot of it that is or will be pending (adopted ones included).
  const request = {
    backupId: backup.id,
    deploymentId: ctx.deployment.id,
    tenantId: ctx.deployment.tenantId,
    volumeIds: snapshots.filter((r) => r.state === 'pending').map((r) => r.volumeId),
  };
  const { verdict, granted } = await ctx.ledger.reserve(ctx.deployment.region, request);
  await ctx.wake(granted.map((g) => g.deploymentId));
  ctx.crashPoint('backup:after-reserve');
  switch (verdict.kind) {
    case 'queued':
      // A grant wakes it; looking again sooner would only churn through the queue's
      // hundreds of waiters (a lost grant lapses and passes to the next one anyway).
      return continueAfter(Math.min(ctx.waitMs * 4, 5 * 60_000));
    case 'later':
      return continueAfter(verdict.waitMs);
    case 'rebuild':
      return continueAfter(ctx.pollMs);
    case 'granted':
      break;
  }

  const byNode = new Map<bigint, PlanRow[]>();
  for (const r of toCreate) byNode.set(r.nodeId, [...(byNode.get(r.nodeId) ?? []), r]);
  // The backup's one attachment check: one DescribeInstances for all its nodes.
  // Each row came with its node's instance, read with the backup.
  const instanceOf = new Map(
    toCreate.flatMap((r) => (r.instanceId ? [[r.nodeId, r.instanceId] as const] : [])),
  );
  const instances = new Map(
    (await ctx.ec2.instanceAttachments([...instanceOf.values()])).map((i) => [i.instanceId, i]),
  );
  const plans = [];
  for (const [nodeId, nodeRows] of byNode) {
    const instanceId = instanceOf.get(nodeId);
    const instance = instanceId ? instances.get(instanceId) : undefined;
    if (!instanceId || !instance) {
      return giveUp(
        ctx,
        backup,
        `Instance ${instanceId ?? '?'} of node ${nodeId} was not found in EC2, so its volumes cannot be snapshotted.`,
      );
    }
    const plan = snapshotExclusions(
      instance.dataVolumes.map((v) => v.volumeId),
      nodeRows,
    );
    if (plan.missing.length > 0) {
      return giveUp(
        ctx,
        backup,
        `Volume(s) ${plan.missing.join(', ')} are no longer attached to instance ${instanceId} of node ${nodeId}; the deployment's recorded volumes are out of date. Re-register the deployment's volumes and try again.`,
      );
    }
    plans.push({ nodeId, instanceId, plan });
  }

  // Intent first (a retry then looks EC2 up by tag), then the hold becomes the
  // snapshots' own, so it outlives this worker if it dies from here on.
  await ctx.fencedWrite(
    (guard) =>
      markCreateRequested(
        ctx.em,
        backup.id,
        toCreate.map((r) => r.volumeId),
        guard,
      ),
    (n) => n > 0,
  );
  ctx.crashPoint('backup:after-mark-requested');
  await ctx.ledger.confirm(ctx.deployment.region, request);
  ctx.crashPoint('backup:after-confirm');
  for (const { nodeId, instanceId, plan } of plans) {
    ctx.guard();
    const created = await ctx.ec2.createSnapshots({
      instanceId,
      excludeDataVolumeIds: plan.exclude,
      description: `backup ${backup.id} of deployment ${ctx.deployment.id}, node ${nodeId}`,
      tags: snapshotTags({
        tenantId: ctx.deployment.tenantId,
        deploymentId: ctx.deployment.id,
        nodeId,
        backupId: backup.id,
      }),
    });
    ctx.crashPoint('backup:after-create-snapshots');
    const byVolume = new Map(created.map((s) => [s.volumeId, s.snapshotId]));
    await ctx.fencedWrite(
      (guard) => recordSnapshotIds(ctx.em, backup.id, byVolume, guard),
      (n) => n > 0,
    );
    ctx.crashPoint('backup:after-record-snapshots');
  }
  // The region's poller follows the snapshots from here and wakes us when they land.
  return continueAfter(ctx.waitMs);
}

/** The poller keeps the rows current; this step only reads what they add up to. */
async function awaitSnapshots(
  ctx: OperationContext,
  backup: Backup,
  snapshots: PlanRow[],
): Promise<StepResult> {
  const verdict = snapshotVerdict(snapshots);
  if (verdict.kind === 'pending') return continueAfter(ctx.waitMs);
  if (verdict.kind === 'failed') return giveUp(ctx, backup, verdict.reason);
  await ctx.fencedWrite(
    (guard) => completeBackup(ctx.em, backup.id, verdict.sizeBytes, guard),
    (done) => done,
  );
  return succeeded();
}

async function giveUp(ctx: OperationContext, backup: Backup, reason: string): Promise<StepResult> {
  await ctx.fenced((tx) => recordFailureReason(tx, backup.id, reason));
  ctx.crashPoint('backup:after-give-up');
  return continueAfter(0);
}

async function cleanUp(
  ctx: OperationContext,
  backup: Backup,
  snapshots: PlanRow[],
  reason: string,
): Promise<StepResult> {
  const recorded = snapshots.flatMap((s) => (s.snapshotId && s.state !== 'deleted' ? [s.snapshotId] : []));
  const deleted = await deleteBackupSnapshots(ctx.ec2, backup.id, recorded, ctx.guard);
  ctx.log.info({ deleted }, 'deleted the partial snapshots of a failed backup');
  ctx.crashPoint('backup:after-delete-snapshots');
  await ctx.fenced((tx) => failBackup(tx, backup.id));
  ctx.crashPoint('backup:before-release');
  await releaseRoom(ctx, backup);
  return failed(reason);
}

/** A failed backup's room in the region goes back at once, to the next waiters. */
async function releaseRoom(ctx: OperationContext, backup: Backup): Promise<void> {
  const granted = await ctx.ledger.release(ctx.deployment.region, backup.id);
  await ctx.wake(granted.map((g) => g.deploymentId));
}
