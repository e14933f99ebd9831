import { LockMode, raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTransaction, type WriteGuard } from '../db/in-transaction.js';
import { OperationSchema } from './operation.entity.js';
import {
  LEASED_OPERATION_STATUSES,
  OPERATION_KINDS,
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
  | {
      kind: 'leased';
      lease: Lease;
      /** The deployment's tenant and region (null if the row is gone). */
      deployment: { tenantId: bigint; region: string } | null;
    };

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
 * holder might still try to write. Also answers the deployment's tenant and
 * region, which every run needs next.
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
  const handled: (OperationKind | null)[] = OPERATION_KINDS.filter(input.canHandle);
  // One statement, not a transaction of four round trips (BEGIN, lock the head,
  // take it, COMMIT); MikroORM cannot write a data-modifying CTE. It is as
  // strong: `head` locks the head row (waiting for a concurrent taker, then
  // re-reading its newest version, as read committed does for locked rows),
  // `taken` updates that row only if its lease is free and its status still
  // unfinished, and the lock is held until the statement commits. The outer
  // select reports the head either way, so none/busy/unhandled need no second
  // query; the join on `deployments` is the read every run makes next.
  const rows = await em.execute<AcquireRow[]>(
    `with head as (
       select id, kind, backup_id, restore_id, upgrade_id,
              case when lease_expires_at > now() then ceil(extract(epoch from lease_expires_at - now()) * 1000)::int end as leased_ms
         from operations
        where deployment_id = ? and status in (?)
        order by id
        limit 1
        for update
     ), taken as (
       update operations o
          set status = ?, lease_owner = ?, lease_expires_at = now() + make_interval(secs => ?),
              fence = o.fence + 1, attempts = o.attempts + 1, started_at = coalesce(o.started_at, now())
         from head
        where o.id = head.id and head.leased_ms is null and head.kind in (?) and o.status in (?)
        returning o.fence, o.attempts
     )
     select head.id::text as id, head.kind, head.backup_id::text as backup_id, head.restore_id::text as restore_id,
            head.upgrade_id::text as upgrade_id, head.leased_ms, taken.fence::text as fence, taken.attempts,
            d.tenant_id::text as tenant_id, d.region
       from head
       left join taken on true
       left join deployments d on d.id = ?`,
    [
      input.deploymentId,
      [...UNFINISHED_OPERATION_STATUSES],
      LEASED_OPERATION_STATUSES[0],
      input.owner,
      input.leaseMs / 1000,
      // `in (null)` matches nothing: a build that handles no kind takes nothing.
      handled.length > 0 ? handled : [null],
      [...UNFINISHED_OPERATION_STATUSES],
      input.deploymentId,
    ],
  );
  const head = rows[0];
  if (!head) return { kind: 'none' };
  if (head.leased_ms !== null) return { kind: 'busy', retryInMs: Number(head.leased_ms) };
  // Refuse to start work this build cannot do (e.g. an older worker during a
  // rolling deploy); it stays queued, in order, for a worker that can.
  if (!input.canHandle(head.kind)) return { kind: 'unhandled', opId: BigInt(head.id), opKind: head.kind };
  if (head.fence === null || head.attempts === null) return { kind: 'none' };
  return {
    kind: 'leased',
    lease: {
      opId: BigInt(head.id),
      deploymentId: input.deploymentId,
      kind: head.kind,
      backupId: big(head.backup_id),
      restoreId: big(head.restore_id),
      upgradeId: big(head.upgrade_id),
      fence: BigInt(head.fence),
      owner: input.owner,
      attempts: head.attempts,
    },
    deployment:
      head.region === null || head.tenant_id === null
        ? null
        : { tenantId: BigInt(head.tenant_id), region: head.region },
  };
}

interface AcquireRow {
  id: string;
  kind: OperationKind;
  backup_id: string | null;
  restore_id: string | null;
  upgrade_id: string | null;
  leased_ms: number | null;
  fence: string | null;
  attempts: number | null;
  tenant_id: string | null;
  region: string | null;
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

/**
 * One write of an owner's that holds only while our lease does, in a single
 * statement instead of `fenced()`'s transaction: `write` puts the guard (our
 * fence, `for update`) in its where clause. As strong as `fenced()`: the
 * guard's sub-select cannot be flattened into a join (it locks), so Postgres
 * runs it once, before the statement touches any row (an InitPlan gating the
 * write); it locks the operation row, waiting for a concurrent takeover and
 * then re-reading the row's newest version (read committed does that for
 * locked rows), so a bumped fence makes the statement write nothing; and the
 * lock is held until the statement commits, so a takeover waits for our
 * write and our write never follows a takeover.
 *
 * When the statement changed nothing (`wrote` false), the fence is read again:
 * a fence only moves forward, so if it still holds now it held then, and the
 * owner's own guard refused; if not, FenceLostError as `fenced()` would throw.
 */
export async function fencedWrite<T>(
  em: EntityManager,
  lease: Lease,
  write: (guard: WriteGuard) => Promise<T>,
  wrote: (result: T) => boolean,
): Promise<T> {
  const result = await write({
    sql: 'exists (select 1 from operations where id = ? and fence = ? and status in (?) for update)',
    params: [lease.opId, lease.fence, [...LEASED_OPERATION_STATUSES]],
  });
  if (!wrote(result) && (await em.count(OperationSchema, heldBy(lease))) === 0)
    throw new FenceLostError(lease.opId, lease.fence);
  return result;
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
  // Raw SQL: once per continuation on the worker's hot path, where nativeUpdate
  // spent more CPU building the statement than Postgres spent running it.
  await em.execute(
    'update operations set lease_owner = null, lease_expires_at = null where id = ? and fence = ? and status in (?)',
    [lease.opId, lease.fence, [...LEASED_OPERATION_STATUSES]],
    'run',
  );
}

/**
 * Closes the operation (running → succeeded or failed); the next one of the
 * deployment becomes the head. Returns how long it ran (first start to end, in
 * seconds, both on Postgres's clock) and whether the deployment has another
 * unfinished operation, or null when the lease was no longer ours and nothing
 * was written.
 */
export async function finishOperation(
  em: EntityManager,
  lease: Lease,
  outcome: OperationOutcome,
  error: string | null,
): Promise<{ seconds: number; more: boolean } | null> {
  // Raw SQL: a sub-select in `returning`, so the caller need not ask in another
  // round trip whether there is a next operation. It reads the statement's
  // snapshot, where this operation is still running, hence `id <> o.id`. An
  // operation queued after that snapshot is signalled after its commit, and
  // that signal is kept to run after this job (the drive jobs' deduplication
  // keeps the last signal sent while one is active).
  const [closed] = await em.execute<{ seconds: number; more: boolean }[]>(
    `update operations o
        set status = ?, error = ?, finished_at = now(), lease_owner = null, lease_expires_at = null
      where o.id = ? and o.fence = ? and o.status in (?)
     returning extract(epoch from o.finished_at - coalesce(o.started_at, o.finished_at))::float8 as seconds,
               exists (select 1 from operations n
                        where n.deployment_id = o.deployment_id and n.status in (?) and n.id <> o.id) as more`,
    [
      outcome,
      error,
      lease.opId,
      lease.fence,
      [...LEASED_OPERATION_STATUSES],
      [...UNFINISHED_OPERATION_STATUSES],
    ],
  );
  return closed ? { seconds: Number(closed.seconds), more: closed.more } : null;
}
