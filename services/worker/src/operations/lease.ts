import type { OperationKind } from '@backups/shared';
import { type Em, rows, run } from './sql.js';

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

interface HeadRow {
  id: string;
  kind: OperationKind;
  backup_id: string | null;
  restore_id: string | null;
  upgrade_id: string | null;
  leased_ms: string | null;
}

const big = (v: string | null): bigint | null => (v === null ? null : BigInt(v));

/**
 * Takes the head operation of a deployment (lowest id still queued or running)
 * unless another worker's lease on it is unexpired. Taking it bumps the fence,
 * which invalidates whatever the previous holder might still try to write.
 */
export async function acquireHead(
  em: Em,
  input: {
    deploymentId: bigint;
    owner: string;
    leaseMs: number;
    canHandle: (kind: OperationKind) => boolean;
  },
): Promise<AcquireResult> {
  return em.transactional(async (tx) => {
    const [head] = await rows<HeadRow>(
      tx,
      `select id::text, kind, backup_id::text, restore_id::text, upgrade_id::text,
              case when lease_expires_at > now()
                   then ceil(extract(epoch from lease_expires_at - now()) * 1000)::text end as leased_ms
         from operations
        where deployment_id = ? and status in ('queued', 'running')
        order by operations.id -- the column, not the text alias: "10" < "9"
        limit 1
          for update`,
      [input.deploymentId.toString()],
    );
    if (!head) return { kind: 'none' };
    if (head.leased_ms !== null) return { kind: 'busy', retryInMs: Number(head.leased_ms) };
    // Refuse to start work this build cannot do (e.g. an older worker during a
    // rolling deploy); it stays queued, in order, for a worker that can.
    if (!input.canHandle(head.kind)) return { kind: 'unhandled', opId: BigInt(head.id), opKind: head.kind };
    const [taken] = await rows<{ fence: string; attempts: number }>(
      tx,
      `update operations
          set status = 'running', lease_owner = ?, lease_expires_at = now() + make_interval(secs => ?),
              fence = fence + 1, attempts = attempts + 1, started_at = coalesce(started_at, now())
        where id = ?
        returning fence::text, attempts`,
      [input.owner, input.leaseMs / 1000, head.id],
    );
    if (!taken) return { kind: 'none' };
    return {
      kind: 'leased',
      lease: {
        opId: BigInt(head.id),
        deploymentId: input.deploymentId,
        kind: head.kind,
        backupId: big(head.backup_id),
        restoreId: big(head.restore_id),
        upgradeId: big(head.upgrade_id),
        fence: BigInt(taken.fence),
        owner: input.owner,
        attempts: taken.attempts,
      },
    };
  });
}

/** Runs `fn` in a transaction that first checks (and locks) our fence; throws FenceLostError if it moved on. */
export async function fenced<T>(em: Em, lease: Lease, fn: (tx: Em) => Promise<T>): Promise<T> {
  return em.transactional(async (tx) => {
    const held = await rows(
      tx,
      `select 1 from operations where id = ? and fence = ? and status = 'running' for update`,
      [lease.opId.toString(), lease.fence.toString()],
    );
    if (held.length === 0) throw new FenceLostError(lease.opId, lease.fence);
    return fn(tx);
  });
}

/** Extends the lease; false when it is no longer ours. */
export async function renewLease(em: Em, lease: Lease, leaseMs: number): Promise<boolean> {
  const n = await run(
    em,
    `update operations set lease_expires_at = now() + make_interval(secs => ?)
      where id = ? and fence = ? and lease_owner = ? and status = 'running'`,
    [leaseMs / 1000, lease.opId.toString(), lease.fence.toString(), lease.owner],
  );
  return n === 1;
}

/** Gives the lease back while the operation waits (a continuation): any worker may take the next step. */
export async function releaseLease(em: Em, lease: Lease): Promise<void> {
  await run(
    em,
    `update operations set lease_owner = null, lease_expires_at = null
      where id = ? and fence = ? and status = 'running'`,
    [lease.opId.toString(), lease.fence.toString()],
  );
}

/**
 * Closes the operation; the next one of the deployment becomes the head.
 * Returns how long it ran (first start to end, in seconds), or null when the
 * lease was no longer ours and nothing was written.
 */
export async function finishOperation(
  em: Em,
  lease: Lease,
  outcome: 'succeeded' | 'failed',
  error: string | null,
): Promise<number | null> {
  const [closed] = await rows<{ seconds: string }>(
    em,
    `update operations
        set status = ?, error = ?, finished_at = now(), lease_owner = null, lease_expires_at = null
      where id = ? and fence = ? and status = 'running'
      returning extract(epoch from finished_at - coalesce(started_at, finished_at))::text as seconds`,
    [outcome, error, lease.opId.toString(), lease.fence.toString()],
  );
  return closed ? Number(closed.seconds) : null;
}
