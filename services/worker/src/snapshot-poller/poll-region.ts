import type { Logger } from '@backups/shared';
import {
  type RequestedSnapshot,
  recordPoll,
  requestedSnapshotsInProgress,
  type SnapshotUpdate,
  weightedProgress,
} from '@backups/shared/backups';
import { type Ec2Adapter, Ec2WaitError, type SnapshotInfo } from '@backups/shared/ec2';
import type { EntityManager } from '@mikro-orm/postgresql';
import { snapshotUpdate } from '../backup/backup-progress.js';
import type { CrashPoint } from '../env.js';
import type { InFlight, SnapshotLedger } from '../snapshot-admission/snapshot-ledger.js';

/** How long a recorded snapshot may be missing from DescribeSnapshots before it counts as gone. */
const VANISH_GRACE_MS = 60_000;

export interface PollRegionDeps {
  em: EntityManager;
  ec2: Ec2Adapter;
  ledger: SnapshotLedger;
  wake: (deploymentIds: readonly bigint[]) => Promise<void>;
  log: Logger;
  crashPoint: (point: CrashPoint) => void;
}

export interface TickResult {
  /** Snapshots described (and DescribeSnapshots calls it took: EC2's cost of the tick). */
  described: number;
  /** Backups whose snapshots all left pending this tick (their operations were woken). */
  landed: number;
  /** Snapshots the ledger holds after the tick, against the region's cap. */
  held: number;
}

/**
 * One tick of a region's poller: every snapshot Postgres has in flight in the
 * region is described in as few DescribeSnapshots calls as EC2 allows, its state
 * and progress recorded, the operations whose snapshots all landed woken, and
 * the admission ledger rewritten from what is still in flight (which also gives
 * freed room to the next waiters, in fair order, and wakes them).
 *
 * Safe to repeat and to die anywhere: Postgres rows only move forward from
 * `pending`, the ledger write is a sync (not a delta), and a woken operation
 * only re-reads Postgres.
 */
export async function pollRegion(deps: PollRegionDeps, region: string): Promise<TickResult> {
  // The ledger's state is read before Postgres: a sync may only rebuild a lost
  // ledger from a read that began after the loss.
  const read = await deps.ledger.readState(region);
  const rows = await requestedSnapshotsInProgress(deps.em, region);

  const described = await describe(deps, rows);
  deps.crashPoint('poller:after-describe');
  const updates: SnapshotUpdate[] = [];
  const after = new Map<bigint, RequestedSnapshot[]>();
  for (const row of rows) {
    if (row.state !== 'pending') {
      // Landed on an earlier tick: EC2 is not asked again, but it counts in the progress.
      after.set(row.backupId, [...(after.get(row.backupId) ?? []), row]);
      continue;
    }
    const info = row.snapshotId ? described?.get(row.snapshotId) : undefined;
    // EC2 is eventually consistent: a snapshot made moments ago may not be listed yet.
    const missing = described !== null && row.snapshotId !== null && info === undefined;
    const gone = missing && Date.now() - row.updatedAt.getTime() > VANISH_GRACE_MS;
    const update = row.snapshotId && described && (info || gone) ? snapshotUpdate(row, info) : null;
    if (update) updates.push(update);
    const current = update ? { ...row, state: update.state, progress: update.progress } : row;
    after.set(row.backupId, [...(after.get(row.backupId) ?? []), current]);
  }
  const progress = new Map<bigint, number>();
  for (const [backupId, backupRows] of after) {
    const p = weightedProgress(backupRows);
    if (p !== null) progress.set(backupId, p);
  }
  await recordPoll(deps.em, updates, progress);
  deps.crashPoint('poller:after-record');

  const inFlight: InFlight[] = [];
  const landed: bigint[] = [];
  const pendingBefore = new Set(rows.filter((r) => r.state === 'pending').map((r) => r.backupId));
  for (const [backupId, backupRows] of after) {
    const pending = backupRows.filter((r) => r.state === 'pending');
    const deploymentId = backupRows[0]?.deploymentId ?? 0n;
    inFlight.push({ backupId, deploymentId, volumeIds: pending.map((r) => r.volumeId) });
    // Woken once, on the tick its last snapshot left pending (a lost wake-up is the backstop's).
    if (pending.length === 0 && pendingBefore.has(backupId)) landed.push(deploymentId);
  }
  const { used, granted } = await deps.ledger.sync(region, inFlight, read);
  deps.crashPoint('poller:after-sync');
  await deps.wake([...landed, ...granted.map((g) => g.deploymentId)]);
  return { described: described?.size ?? 0, landed: landed.length, held: used };
}

/**
 * The pending rows' snapshots as EC2 sees them; null when EC2 asked us to wait (the
 * tick still rewrites the ledger from Postgres, so a throttled region heals too).
 */
async function describe(
  deps: PollRegionDeps,
  rows: readonly RequestedSnapshot[],
): Promise<Map<string, SnapshotInfo> | null> {
  const ids = rows.flatMap((r) => (r.snapshotId && r.state === 'pending' ? [r.snapshotId] : []));
  if (ids.length === 0) return new Map();
  try {
    return new Map((await deps.ec2.describeSnapshots(ids)).map((s) => [s.snapshotId, s]));
  } catch (err) {
    if (!(err instanceof Ec2WaitError)) throw err;
    deps.log.info({ region: deps.ec2.region, code: err.code }, 'snapshot poll throttled; next tick');
    return null;
  }
}
