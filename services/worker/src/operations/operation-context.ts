import type { Logger, OperationKind } from '@backups/shared';
import type { Ec2Adapter } from '@backups/shared/ec2';
import type { Lease, OperationOutcome, WriteGuard } from '@backups/shared/operations';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CrashPoint } from '../env.js';
import type { SnapshotLedger } from '../snapshot-admission/snapshot-ledger.js';

export interface DeploymentRef {
  id: bigint;
  tenantId: bigint;
  region: string;
}

/** What one step of an operation's state machine gets to work with. */
export interface OperationContext {
  /** An EntityManager forked for this step. */
  em: EntityManager;
  lease: Lease;
  deployment: DeploymentRef;
  ec2: Ec2Adapter;
  pollMs: number;
  /**
   * How long a step that waits for a wake-up (capacity granted, snapshots
   * landed) sleeps before it looks again anyway: a backstop, not the pace.
   */
  waitMs: number;
  /** The fleet's per-region admission ledger for snapshot creation. */
  ledger: SnapshotLedger;
  /** Wakes other deployments' waiting operations (those the ledger just granted room). */
  wake(deploymentIds: readonly bigint[]): Promise<void>;
  log: Logger;
  /** A transaction that writes only if our fence is still current (else FenceLostError). */
  fenced<T>(fn: (tx: EntityManager) => Promise<T>): Promise<T>;
  /**
   * One owner write with our fence checked inside its statement (no transaction:
   * one round trip); `wrote` says whether it changed anything (else the fence is
   * read again, and FenceLostError if it moved on).
   */
  fencedWrite<T>(write: (guard: WriteGuard) => Promise<T>, wrote: (result: T) => boolean): Promise<T>;
  /** Call before every EC2 mutation: throws FenceLostError once the lease may be someone else's. */
  guard(): void;
  /** Test hook: SIGKILL here when WORKER_CRASH_AT names this point. */
  crashPoint(point: CrashPoint): void;
}

/**
 * The result of one step: go on (after `afterMs`, 0 meaning straight away) or
 * the operation is over. A step never blocks for long: waiting is expressed as
 * `continue` so a two-hour snapshot holds no worker slot and no lease.
 */
export type StepResult =
  | { kind: 'continue'; afterMs: number }
  | { kind: 'done'; outcome: OperationOutcome; error: string | null };

export const continueAfter = (afterMs: number): StepResult => ({ kind: 'continue', afterMs });
export const succeeded = (): StepResult => ({ kind: 'done', outcome: 'succeeded', error: null });
export const failed = (error: string): StepResult => ({ kind: 'done', outcome: 'failed', error });

export type OperationHandler = (ctx: OperationContext) => Promise<StepResult>;
export type OperationHandlers = Partial<Record<OperationKind, OperationHandler>>;
