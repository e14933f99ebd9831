import { LockMode, raw, sql } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTransaction } from '../db/in-transaction.js';
import { OperationSchema } from './operation.entity.js';
import {
  LEASED_OPERATION_STATUSES,
  type OperationKind,
  type OperationOutcome,
  UNFINISHED_OPERATION_STATUSES,
} from './operation-statuses.js';

// The operations log's leases. A lease is held while the operation is running and
// its fence is the one the holder was given; every write below is conditioned on
// that fence, so a worker that froze and came back after its lease passed to
// another changes nothing. Lease times are Postgres's clock (now()), never the
// worker's, so workers with drifting clocks agree on who holds what.

/** A worker's claim on the head operation of a deployment, valid while `fence` is current. */
export interface Lease {
  opId: bigint;
  deploymentId: bigint;
  kind: OperationKind;
  backupId: bigint | null;
  restoreId: bigint | null;
  upgradeId: bigint | null;
  fence: bigint;
  owner: string;
  attempts: number;
}

export type AcquireResult =
  | { kind: 'none' }
  | { kind: 'busy'; retryInMs: number }
  | { kind: 'unhandled'; opId: bigint; opKind: OperationKind }
  | { kind: 'leased'; lease: Lease };

/** Another worker took the operation over (our lease expired): stop acting on it at once. */
export class FenceLostError extends Error {
  constructor(opId: bigint, fence: bigint) {
    super(`lease on operation ${opId} (fence ${fence}) is no longer ours`);
    this.name = 'FenceLostError';
  }
}

// QueryBuilder results are mapped to property names but keep bigint columns as text.
const big = (v: bigint | string | null): bigint | null => (v === null ? null : BigInt(v));

/** `now() + leaseMs`, on Postgres's clock. */
const leaseEnd = (leaseMs: number) => raw('now() + make_interval(secs => ?)', [leaseMs / 1000]);

/** Where a lease is still ours: this operation, this fence, still running. */
const heldBy = (lease: Lease) => ({
  id: lease.opId,
  fence: lease.fence,
  status: { $in: [...LEASED_OPERATION_STATUSES] },
});

/**
 * Takes the head operation of a deployment (lowest id still queued or running)
 * unless another worker's lease on it is unexpired. Taking it (queued or
 * running → running) bumps the fence, which invalidates whatever the previous
 * holder might still try to write.
 */
export async function acquireHead(
  em: EntityManager,
  input: {
    deploymentId: bigint;
    owner: string;
    leaseMs: number;
    canHandle: (kind: OperationKind) => boolean;
  },
): Promise<AcquireResult> {
  return inTransaction(em, async (tx) => {
    const head = await tx
      .createQueryBuilder(OperationSchema)
      .select([
        'id',
        'kind',
        'backupId',
        'restoreId',
        'upgradeId',
        // How long the current lease still runs, on Postgres's clock (null: free to take).
        raw(
          'case when lease_expires_at > now() then ceil(extract(epoch from lease_expires_at - now()) * 1000)::int end as leased_ms',
        ),
      ])
      .where({ deploymentId: input.deploymentId, status: { $in: [...UNFINISHED_OPERATION_STATUSES] } })
      .orderBy({ id: 'asc' })
      .limit(1)
      .setLockMode(LockMode.PESSIMISTIC_WRITE)
      .execute<HeadRow | undefined>('get');
    if (!head) return { kind: 'none' };
    if (head.leased_ms !== null) return { kind: 'busy', retryInMs: Number(head.leased_ms) };
    // Refuse to start work this build cannot do (e.g. an older worker during a
    // rolling deploy); it stays queued, in order, for a worker that can.
    if (!input.canHandle(head.kind)) return { kind: 'unhandled', opId: BigInt(head.id), opKind: head.kind };
    const taken = await tx
      .createQueryBuilder(OperationSchema)
      .update({
        status: 'running',
        leaseOwner: input.owner,
        leaseExpiresAt: leaseEnd(input.leaseMs),
        fence: raw('fence + 1'),
        attempts: raw('attempts + 1'),
        startedAt: raw('coalesce(started_at, now())'),
      })
      .where({ id: BigInt(head.id), status: { $in: [...UNFINISHED_OPERATION_STATUSES] } })
      .returning(['fence', 'attempts'])
      .execute<{ fence: bigint | string; attempts: number } | undefined>('get');
    if (!taken) return { kind: 'none' };
    return {
      kind: 'leased',
      lease: {
        opId: BigInt(head.id),
        deploymentId: input.deploymentId,
        kind: head.kind,
        backupId: big(head.backupId),
        restoreId: big(head.restoreId),
        upgradeId: big(head.upgradeId),
        fence: BigInt(taken.fence),
        owner: input.owner,
        attempts: taken.attempts,
      },
    };
  });
}

interface HeadRow {
  id: bigint | string;
  kind: OperationKind;
  backupId: bigint | string | null;
  restoreId: bigint | string | null;
  upgradeId: bigint | string | null;
  leased_ms: number | null;
}

/**
 * Runs `fn` in a transaction that first checks (and locks) our fence; throws
 * FenceLostError if it moved on. Holding the row lock to the commit means a
 * takeover waits for our writes, and our writes never follow a takeover.
 */
export async function fenced<T>(
  em: EntityManager,
  lease: Lease,
  fn: (tx: EntityManager) => Promise<T>,
): Promise<T> {
  return inTransaction(em, async (tx) => {
    const held = await tx
      .createQueryBuilder(OperationSchema)
      .select('id')
      .where(heldBy(lease))
      .setLockMode(LockMode.PESSIMISTIC_WRITE)
      .execute<{ id: unknown } | undefined>('get');
    if (!held) throw new FenceLostError(lease.opId, lease.fence);
    return fn(tx);
  });
}

/** Extends the lease; false when it is no longer ours. */
export async function renewLease(em: EntityManager, lease: Lease, leaseMs: number): Promise<boolean> {
  const n = await em.nativeUpdate(
    OperationSchema,
    { ...heldBy(lease), leaseOwner: lease.owner },
    { leaseExpiresAt: leaseEnd(leaseMs) },
  );
  return n === 1;
}

/** Gives the lease back while the operation waits (a continuation): any worker may take the next step. */
export async function releaseLease(em: EntityManager, lease: Lease): Promise<void> {
  await em.nativeUpdate(OperationSchema, heldBy(lease), { leaseOwner: null, leaseExpiresAt: null });
}

/**
 * Closes the operation (running → succeeded or failed); the next one of the
 * deployment becomes the head. Returns how long it ran (first start to end, in
 * seconds, both on Postgres's clock), or null when the lease was no longer ours
 * and nothing was written.
 */
export async function finishOperation(
  em: EntityManager,
  lease: Lease,
  outcome: OperationOutcome,
  error: string | null,
): Promise<number | null> {
  const closed = await em
    .createQueryBuilder(OperationSchema)
    .update({ status: outcome, error, finishedAt: sql.now(), leaseOwner: null, leaseExpiresAt: null })
    .where(heldBy(lease))
    .returning(['startedAt', 'finishedAt'])
    .execute<{ startedAt: Date | null; finishedAt: Date } | undefined>('get');
  if (!closed) return null;
  return (closed.finishedAt.getTime() - (closed.startedAt ?? closed.finishedAt).getTime()) / 1000;
}
