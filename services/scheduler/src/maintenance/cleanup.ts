import { BackupSchema, BackupSnapshotSchema } from '@backups/shared/backups';
import { dueCandidates, forgetCandidate, type Orphan, recordOrphans } from '@backups/shared/cleanup';
import { VolumeSchema } from '@backups/shared/deployments';
import {
  type Ec2Adapter,
  MANAGED_BY_VALUE,
  type SnapshotInfo,
  TAG_BACKUP,
  TAG_MANAGED_BY,
  TAG_REPLACED_AT,
  TAG_RESTORE,
  type VolumeInfo,
} from '@backups/shared/ec2';
import { ACTIVE_RESTORE_STATUSES, RestoreSchema, RestoreVolumeSchema } from '@backups/shared/restores';
import { raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CrashHook } from '../crash.js';
import { classifySnapshot, classifyVolume, type Verdict } from './cleanup-rules.js';

// Deletes what the service made and no longer needs, in one region:
// - volumes a restore swapped out, once their grace period has passed;
// - orphans: our tagged snapshots and volumes that no backup or restore
//   references, once they have stayed orphaned for the safety delay.
// Only resources carrying our managed-by tag are ever looked at, so nothing a
// tenant or another tool made is touched.

export interface CleanupOptions {
  graceMs: number;
  safetyDelayMs: number;
  now?: Date;
  crashPoint?: CrashHook;
}

export interface CleanupResult {
  replacedVolumesDeleted: string[];
  orphanSnapshotsDeleted: string[];
  orphanVolumesDeleted: string[];
  candidates: number;
}

const FRESH = { disableIdentityMap: true } as const;
const isId = (v: string | undefined): v is string => !!v && /^\d{1,19}$/.test(v);

/** What Postgres still references among the tagged resources EC2 listed. */
async function loadReferences(em: EntityManager, snapshots: SnapshotInfo[], volumes: VolumeInfo[]) {
  const backupIds = [...new Set(snapshots.map((s) => s.tags[TAG_BACKUP]).filter(isId))].map(BigInt);
  const restoreIds = [...new Set(volumes.map((v) => v.tags[TAG_RESTORE]).filter(isId))].map(BigInt);
  const volumeIds = volumes.map((v) => v.volumeId);
  const [backups, recorded, current, restores, planned] = await Promise.all([
    em.find(BackupSchema, { id: { $in: backupIds } }, FRESH),
    em.find(BackupSnapshotSchema, { snapshotId: { $in: snapshots.map((s) => s.snapshotId) } }, FRESH),
    em.find(VolumeSchema, { volumeId: { $in: volumeIds } }, FRESH),
    em.find(RestoreSchema, { id: { $in: restoreIds } }, FRESH),
    em
      .createQueryBuilder(RestoreVolumeSchema, 'rv')
      .select('newVolumeId')
      .where({ newVolumeId: { $in: volumeIds } })
      .andWhere(
        raw('exists (select 1 from restores r where r.id = rv.restore_id and r.status in (?))', [
          [...ACTIVE_RESTORE_STATUSES],
        ]),
      )
      .execute('all'),
  ]);
  return {
    backupStatus: new Map<string, string>(backups.map((b) => [String(b.id), b.status])),
    recordedSnapshots: new Set(recorded.flatMap((r) => (r.snapshotId ? [r.snapshotId] : []))),
    currentVolumes: new Set(current.map((v) => v.volumeId)),
    restoreStatus: new Map<string, string>(restores.map((r) => [String(r.id), r.status])),
    activeRestoreVolumes: new Set(planned.flatMap((r) => (r.newVolumeId ? [r.newVolumeId] : []))),
  };
}

export async function cleanupRegion(
  em: EntityManager,
  ec2: Ec2Adapter,
  opts: CleanupOptions,
): Promise<CleanupResult> {
  const now = opts.now ?? new Date();
  const crashPoint = opts.crashPoint ?? (() => undefined);

  const [snapshots, volumes] = await Promise.all([
    ec2.findSnapshotsByTag(TAG_MANAGED_BY, MANAGED_BY_VALUE),
    ec2.findVolumesByTag(TAG_MANAGED_BY, MANAGED_BY_VALUE),
  ]);
  const refs = await loadReferences(em, snapshots, volumes);

  const result: CleanupResult = {
    replacedVolumesDeleted: [],
    orphanSnapshotsDeleted: [],
    orphanVolumesDeleted: [],
    candidates: 0,
  };
  const orphans: Orphan[] = [];

  for (const s of snapshots) {
    const verdict = classifySnapshot(s, refs);
    if (verdict.action === 'orphan')
      orphans.push({ id: s.snapshotId, kind: 'snapshot', reason: verdict.reason });
  }
  for (const v of volumes) {
    const verdict: Verdict = classifyVolume(v, refs, {
      now,
      graceMs: opts.graceMs,
      tagReplacedAt: TAG_REPLACED_AT,
    });
    if (verdict.action === 'delete-now') {
      if (await ec2.deleteVolume(v.volumeId)) result.replacedVolumesDeleted.push(v.volumeId);
      crashPoint('cleanup:after-replaced-volume-delete');
    } else if (verdict.action === 'orphan') {
      orphans.push({ id: v.volumeId, kind: 'volume', reason: verdict.reason });
    }
  }

  // Remember when each orphan was first seen; forget what is no longer orphaned.
  await recordOrphans(em, ec2.region, orphans, now);
  if (orphans.length) crashPoint('cleanup:after-record-orphans');
  const due = await dueCandidates(
    em,
    ec2.region,
    orphans.map((o) => o.id),
    new Date(now.getTime() - opts.safetyDelayMs),
  );
  for (const d of due) {
    if (d.kind === 'snapshot') {
      await ec2.deleteSnapshot(d.resourceId);
      result.orphanSnapshotsDeleted.push(d.resourceId);
    } else {
      await ec2.deleteVolume(d.resourceId);
      result.orphanVolumesDeleted.push(d.resourceId);
    }
    crashPoint('cleanup:after-orphan-delete');
    await forgetCandidate(em, d.resourceId);
  }
  result.candidates = orphans.length - due.length;
  return result;
}
