import { raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTransaction } from '../db/in-transaction.js';
import { BackupSchema } from './backup.entity.js';
import type { PlannedSnapshot } from './backup-reads.js';
import { type BackupSnapshot, BackupSnapshotSchema } from './backup-snapshot.entity.js';
import { CREATE_REQUESTED } from './snapshot-transitions.js';

// What the worker's per-region snapshot poller reads and writes. Postgres is
// the truth about which snapshots are in flight (asked of EC2, still pending):
// the poller describes exactly these in EC2, and the admission ledger in Redis
// is rebuilt from them.

/** A snapshot row asked of EC2, with the deployment to wake when its backup's snapshots land. */
export type RequestedSnapshot = Omit<PlannedSnapshot, 'sizeBytes' | 'stateMessage'> &
  Pick<BackupSnapshot, 'backupId' | 'updatedAt'> & { deploymentId: bigint };

/** Regions with backups in progress: each needs a poller (and its ledger rebuilt, if lost). */
export async function regionsWithBackupsInProgress(em: EntityManager): Promise<string[]> {
  const rows = await em
    .createQueryBuilder(BackupSchema)
    .select('region', true)
    .where({ status: 'in_progress' })
    .execute<{ region: string }[]>('all', false);
  return rows.map((r) => r.region);
}

/**
 * The snapshot rows asked of EC2 of the region's backups in progress and not
 * failing (a failing backup's cleanup deletes its snapshots and gives its room
 * back itself), whatever their state: the pending ones are in flight, and the
 * finished ones count in their backup's progress. A row asked for but not yet
 * recorded is in flight too: EC2 may already have made it.
 */
export async function requestedSnapshotsInProgress(
  em: EntityManager,
  region: string,
): Promise<RequestedSnapshot[]> {
  const backups = await em.find(
    BackupSchema,
    { region, status: 'in_progress', failureReason: null },
    { fields: ['id', 'deploymentId'], disableIdentityMap: true },
  );
  if (backups.length === 0) return [];
  const deploymentOf = new Map(backups.map((b) => [b.id, b.deploymentId]));
  const rows = await em.find(
    BackupSnapshotSchema,
    {
      backupId: { $in: [...deploymentOf.keys()] },
      $or: [{ snapshotId: { $ne: null } }, { stateMessage: CREATE_REQUESTED }],
    },
    {
      fields: [
        'id',
        'backupId',
        'nodeId',
        'volumeId',
        'deviceName',
        'volumeSizeGib',
        'snapshotId',
        'state',
        'progress',
        'updatedAt',
      ],
      disableIdentityMap: true,
      orderBy: { id: 'asc' },
    },
  );
  return rows.map((r) => ({
    id: r.id,
    backupId: r.backupId,
    nodeId: r.nodeId,
    volumeId: r.volumeId,
    deviceName: r.deviceName,
    volumeSizeGib: r.volumeSizeGib,
    snapshotId: r.snapshotId,
    state: r.state,
    progress: r.progress,
    updatedAt: r.updatedAt,
    deploymentId: deploymentOf.get(r.backupId) ?? 0n,
  }));
}

/** What one DescribeSnapshots answer says about one of our snapshot rows. */
export type SnapshotUpdate = Pick<BackupSnapshot, 'id' | 'state' | 'progress' | 'sizeBytes' | 'stateMessage'>;

/**
 * One poll's findings in one transaction: each snapshot's new state (only rows
 * still pending change, so a late or duplicate poller never moves a settled row
 * back) and each backup's overall progress.
 */
export function recordPoll(
  em: EntityManager,
  updates: readonly SnapshotUpdate[],
  progress: ReadonlyMap<bigint, number>,
): Promise<void> {
  return inTransaction(em, async (tx) => {
    if (updates.length > 0) {
      // jsonb_to_recordset: a different value per row, in one round trip.
      await tx.execute(
        `update backup_snapshots b
            set state = v.state, progress = v.progress, size_bytes = v.size_bytes::bigint,
                state_message = v.state_message, updated_at = now()
           from jsonb_to_recordset(?::jsonb) as v(id text, state text, progress smallint, size_bytes text, state_message text)
          where b.id = v.id::bigint and b.state = 'pending'`,
        [
          JSON.stringify(
            updates.map((u) => ({
              id: u.id.toString(),
              state: u.state,
              progress: u.progress,
              size_bytes: u.sizeBytes?.toString() ?? null,
              state_message: u.stateMessage,
            })),
          ),
        ],
      );
    }
    if (progress.size > 0) {
      // Same reason: a different progress per backup in one round trip.
      await tx.execute(
        `update backups b set progress = v.progress, updated_at = now()
           from jsonb_to_recordset(?::jsonb) as v(id text, progress smallint)
          where b.id = v.id::bigint and b.status = 'in_progress' and b.progress is distinct from v.progress`,
        [JSON.stringify([...progress].map(([id, p]) => ({ id: id.toString(), progress: p })))],
      );
    }
  });
}

/** Backups in progress per region and their mean progress (null until any has snapshots), for metrics. */
export async function backupsInProgressByRegion(
  em: EntityManager,
): Promise<Array<{ region: string; count: number; meanProgress: number | null }>> {
  const rows = await em
    .createQueryBuilder(BackupSchema)
    // A count and a mean per group: em.count has no group by.
    .select(['region', raw('count(*)::int as n'), raw('avg(progress)::float8 as mean')])
    .where({ status: 'in_progress' })
    .groupBy('region')
    .execute<{ region: string; n: number; mean: number | null }[]>('all');
  return rows.map((r) => ({
    region: r.region,
    count: Number(r.n),
    meanProgress: r.mean === null ? null : Number(r.mean),
  }));
}
