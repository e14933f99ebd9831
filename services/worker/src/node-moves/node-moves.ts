import { type AttachmentState, attachmentStateOn } from '@backups/shared/ec2';
import type { CrashPoint } from '../env.js';
import type { OperationContext } from '../operations/operation-context.js';
import {
  attachDecision,
  type Decision,
  detachDecision,
  instanceDecision,
  type SwapItem,
} from './move-decisions.js';

// One look-then-act round of a node move, shared by restores and upgrades:
// stop or start instances, detach or attach volumes. Each call reads EC2, acts
// on what is not done yet (checking the lease first) and says what happened;
// the caller decides what that means for its operation (poll again, take its
// next step, fail or roll back). Nothing is handed back to call.

export type { SwapItem } from './move-decisions.js';

/**
 * `moving`: acted, or something is on its way; look again after a poll.
 * `done`: everything is where it should be. `failed`: it cannot get there
 * (nothing was done in this round).
 */
export type MoveOutcome = { kind: 'moving' } | { kind: 'done' } | { kind: 'failed'; reason: string };

/** What a move needs of the operation step running it. */
export type MoveContext = Pick<OperationContext, 'ec2' | 'guard' | 'crashPoint'>;

async function settle<T>(
  ctx: MoveContext,
  decision: Decision<T>,
  act: (items: T[]) => Promise<unknown>,
  crashAfter: CrashPoint | undefined,
): Promise<MoveOutcome> {
  switch (decision.kind) {
    case 'act':
      ctx.guard();
      await act(decision.items);
      if (crashAfter) ctx.crashPoint(crashAfter);
      return { kind: 'moving' };
    case 'wait':
      return { kind: 'moving' };
    case 'done':
      return { kind: 'done' };
    case 'fail':
      return { kind: 'failed', reason: decision.reason };
  }
}

/** Brings every instance to `target`: stops (or starts) the ones not there, waits for the ones on their way. */
export async function moveInstances(
  ctx: MoveContext,
  instanceIds: readonly string[],
  target: 'stopped' | 'running',
  crashAfter?: CrashPoint,
): Promise<MoveOutcome> {
  const decision = instanceDecision(await ctx.ec2.instanceStates([...instanceIds]), instanceIds, target);
  return settle(
    ctx,
    decision,
    (ids) => (target === 'stopped' ? ctx.ec2.stopInstances(ids) : ctx.ec2.startInstances(ids)),
    crashAfter,
  );
}

/** Detaches each volume from its instance (never from anywhere else: the instance id is always given). */
export async function detachVolumes(
  ctx: MoveContext,
  items: readonly SwapItem[],
  crashAfter?: CrashPoint,
): Promise<MoveOutcome> {
  const view = await volumeView(ctx, items);
  return settle(
    ctx,
    detachDecision(items, view.attachment),
    async (todo) => {
      for (const i of todo) await ctx.ec2.detachVolume(i);
    },
    crashAfter,
  );
}

/** Attaches each volume to its instance at its device; fails when a volume is gone or broken. */
export async function attachVolumes(
  ctx: MoveContext,
  items: readonly SwapItem[],
  crashAfter?: CrashPoint,
): Promise<MoveOutcome> {
  const view = await volumeView(ctx, items);
  return settle(
    ctx,
    attachDecision(items, view.attachment, view.state),
    async (todo) => {
      for (const i of todo) await ctx.ec2.attachVolume(i);
    },
    crashAfter,
  );
}

/** Current EC2 view of the items' volumes, as lookups for the pure decisions. */
async function volumeView(ctx: MoveContext, items: readonly SwapItem[]) {
  const volumes = new Map(
    (await ctx.ec2.describeVolumes(items.map((i) => i.volumeId))).map((v) => [v.volumeId, v]),
  );
  return {
    attachment: (item: SwapItem): AttachmentState | 'missing' => {
      const v = volumes.get(item.volumeId);
      return v ? attachmentStateOn(v, item.instanceId) : 'missing';
    },
    state: (item: SwapItem): string | undefined => volumes.get(item.volumeId)?.state,
  };
}
