import { randomUUID } from 'node:crypto';
import type { Logger, OperationKind } from '@backups/shared';
import type { Orm } from '@backups/shared/db';
import { type Ec2Regions, Ec2WaitError } from '@backups/shared/ec2';
import {
  acquireHead,
  FenceLostError,
  fenced,
  fencedWrite,
  finishOperation,
  type Lease,
  type OperationOutcome,
  releaseLease,
} from '@backups/shared/operations';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CrashPoint } from '../env.js';
import type { SnapshotLedger } from '../snapshot-admission/snapshot-ledger.js';
import { LeaseKeeper } from './lease-keeper.js';
import type { DeploymentRef, OperationContext, OperationHandlers, StepResult } from './operation-context.js';

export interface DriveDeps {
  orm: Orm;
  ec2: Ec2Regions;
  handlers: OperationHandlers;
  log: Logger;
  leaseMs: number;
  pollMs: number;
  /** Backstop of a step waiting for a wake-up (see OperationContext.waitMs). */
  waitMs: number;
  ledger: SnapshotLedger;
  wake: (deploymentIds: readonly bigint[]) => Promise<void>;
  /** Identifies this process in lease_owner (each drive adds its own suffix). */
  workerId: string;
  crashPoint: (point: CrashPoint) => void;
  /** Checked between steps: when shutting down, hand the operation back instead of taking another step. */
  stopping: () => boolean;
  /** Told of every operation this process closes (the worker observes backups_operation_duration_seconds). */
  onFinished?: (kind: OperationKind, outcome: OperationOutcome, seconds: number) => void;
}

export type DriveOutcome = { kind: 'idle' } | { kind: 'later'; delayMs: number };

// Bounds on one job's run, so one busy deployment cannot keep a worker slot
// from the others: immediate steps of one operation, and operations in a row.
const MAX_IMMEDIATE_STEPS = 25;
const MAX_OPERATIONS_PER_RUN = 10;

/**
 * Drives a deployment's ordered operations as far as they can go now: takes the
 * head operation's lease, runs its steps, closes it and moves to the next, or
 * hands the lease back and asks to be called again later (a continuation).
 */
export async function driveDeployment(deps: DriveDeps, deploymentId: bigint): Promise<DriveOutcome> {
  for (let n = 0; n < MAX_OPERATIONS_PER_RUN; n++) {
    if (deps.stopping()) return { kind: 'later', delayMs: 0 };
    const em = deps.orm.em.fork() as EntityManager;
    const acquired = await acquireHead(em, {
      deploymentId,
      owner: `${deps.workerId}/${randomUUID().slice(0, 8)}`,
      leaseMs: deps.leaseMs,
      canHandle: (kind) => deps.handlers[kind] !== undefined,
    });
    switch (acquired.kind) {
      case 'none':
        return { kind: 'idle' };
      case 'busy':
        // Someone holds it; if they died, the lease runs out and we take over then.
        // (Returning here would drop the signal of a job recovered from a crashed worker.)
        return { kind: 'later', delayMs: acquired.retryInMs + 50 + Math.floor(Math.random() * 200) };
      case 'unhandled':
        deps.log.error(
          { deploymentId: deploymentId.toString(), opId: acquired.opId.toString(), kind: acquired.opKind },
          'no handler for this operation kind in this worker build; leaving it queued',
        );
        return { kind: 'idle' };
      case 'leased': {
        if (!acquired.deployment) throw new Error(`deployment ${deploymentId} not found`);
        const deployment = { id: deploymentId, ...acquired.deployment };
        const result = await runLeased(deps, em, acquired.lease, deployment);
        if (result === 'idle') return { kind: 'idle' };
        // Our lease lapsed (a slow step, a stalled process). Whoever took the operation
        // over has its own signal; if nobody did, this job is the only one left, so it
        // comes back once the lease has surely run out and takes the operation itself.
        if (result === 'lost') return { kind: 'later', delayMs: deps.leaseMs };
        if (result.kind === 'continue') return { kind: 'later', delayMs: result.afterMs };
        // done: loop on to the next operation of the deployment
        break;
      }
    }
  }
  return { kind: 'later', delayMs: 0 };
}

async function runLeased(
  deps: DriveDeps,
  em: EntityManager,
  lease: Lease,
  deployment: DeploymentRef,
): Promise<StepResult | 'lost' | 'idle'> {
  const log = deps.log.child({
    deploymentId: lease.deploymentId.toString(),
    opId: lease.opId.toString(),
    kind: lease.kind,
  });
  const handler = deps.handlers[lease.kind];
  if (!handler) throw new Error(`no handler for ${lease.kind}`); // acquireHead checked this
  // The lease's own statements (finish, release) run on `em` itself, not a
  // fork: they are raw SQL, which neither reads nor fills its identity map.
  const keeper = new LeaseKeeper(em, lease, deps.leaseMs, log);
  keeper.start();
  let handedBack = false;
  try {
    const ctx: OperationContext = {
      em,
      lease,
      deployment,
      ec2: deps.ec2.forRegion(deployment.region),
      pollMs: deps.pollMs,
      waitMs: deps.waitMs,
      ledger: deps.ledger,
      wake: deps.wake,
      log,
      fenced: (fn) => fenced(em.fork() as EntityManager, lease, fn),
      fencedWrite: (write, wrote) => fencedWrite(ctx.em, lease, write, wrote),
      guard: () => keeper.assertHeld(),
      crashPoint: deps.crashPoint,
    };
    for (let step = 0; ; step++) {
      let result: StepResult;
      try {
        ctx.em = em.fork() as EntityManager;
        result = await handler(ctx);
      } catch (err) {
        if (!(err instanceof Ec2WaitError)) throw err;
        log.info({ action: err.action, code: err.code, retryInMs: err.retryAfterMs }, 'EC2 asks us to wait');
        result = { kind: 'continue', afterMs: err.retryAfterMs };
      }
      if (result.kind === 'done') {
        deps.crashPoint(`${lease.kind}:before-finish`);
        await keeper.stop();
        const closed = await finishOperation(em, lease, result.outcome, result.error);
        if (closed === null) return 'lost';
        handedBack = true;
        deps.onFinished?.(lease.kind, result.outcome, closed.seconds);
        log.info(
          { outcome: result.outcome, error: result.error, seconds: closed.seconds },
          'operation finished',
        );
        // Nothing queued behind it: no need to ask acquireHead to find nothing.
        if (!closed.more) return 'idle';
        return result;
      }
      if (result.afterMs > 0 || step >= MAX_IMMEDIATE_STEPS || deps.stopping()) {
        await keeper.stop();
        await releaseLease(em, lease);
        handedBack = true;
        return result;
      }
      keeper.assertHeld();
    }
  } catch (err) {
    if (err instanceof FenceLostError) {
      log.warn('lease lost to another worker; stopping');
      handedBack = true;
      return 'lost';
    }
    throw err;
  } finally {
    await keeper.stop();
    // An unexpected error (a bug, Postgres away): give the lease back if we can so
    // the BullMQ retry (or another worker) need not wait for it to expire.
    if (!handedBack) await releaseLease(em, lease).catch(() => undefined);
  }
}
