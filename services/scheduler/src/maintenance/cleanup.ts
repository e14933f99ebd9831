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
import type { EntityManager } from '@mikro-orm/postgresql';
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
}

export interface CleanupResult {
  replacedVolumesDeleted: string[];
  orphanSnapshotsDeleted: string[];
  orphanVolumesDeleted: string[];
  candidates: number;
}

type Exec = <T>(sql: string, params?: unknown[]) => Promise<T>;

/**
 * A Postgres array literal for `= any(?::text[])`: the ORM spreads a JS array
 * bound in raw SQL into a comma list (and an empty one into a syntax error).
 */
export function pgTextArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
}

async function loadReferences(exec: Exec, snapshots: SnapshotInfo[], volumes: VolumeInfo[]) {
  const backupIds = [
    ...new Set(
      snapshots.map((s) => s.tags[TAG_BACKUP]).filter((v): v is string => !!v && /^\d{1,19}$/.test(v)),
    ),
  ];
  const restoreIds = [
    ...new Set(
      volumes.map((v) => v.tags[TAG_RESTORE]).filter((v): v is string => !!v && /^\d{1,19}$/.test(v)),
    ),
  ];
  const [backups, recorded, current, restores, planned] = await Promise.all([
    exec<{ id: string; status: string }[]>(
      'select id::text, status from backups where id = any(?::bigint[])',
      [pgTextArray(backupIds)],
    ),
    exec<{ snapshot_id: string }[]>(
      'select snapshot_id from backup_snapshots where snapshot_id = any(?::text[])',
      [pgTextArray(snapshots.map((s) => s.snapshotId))],
    ),
    exec<{ volume_id: string }[]>('select volume_id from volumes where volume_id = any(?::text[])', [
      pgTextArray(volumes.map((v) => v.volumeId)),
    ]),
    exec<{ id: string; status: string }[]>(
      'select id::text, status from restores where id = any(?::bigint[])',
      [pgTextArray(restoreIds)],
    ),
    exec<{ new_volume_id: string }[]>(
      `select rv.new_volume_id from restore_volumes rv join restores r on r.id = rv.restore_id
        where r.status in ('pending', 'in_progress') and rv.new_volume_id = any(?::text[])`,
      [pgTextArray(volumes.map((v) => v.volumeId))],
    ),
  ]);
  return {
    backupStatus: new Map(backups.map((b) => [b.id, b.status])),
    recordedSnapshots: new Set(recorded.map((r) => r.snapshot_id)),
    currentVolumes: new Set(current.map((r) => r.volume_id)),
    restoreStatus: new Map(restores.map((r) => [r.id, r.status])),
    activeRestoreVolumes: new Set(planned.map((r) => r.new_volume_id)),
  };
}

export async function cleanupRegion(
  em: EntityManager,
  ec2: Ec2Adapter,
  opts: CleanupOptions,
): Promise<CleanupResult> {
  const now = opts.now ?? new Date();
  const conn = em.getConnection();
  const exec: Exec = async <T>(sql: string, params?: unknown[]) =>
    (await conn.execute(sql, params ?? [])) as T;

  const [snapshots, volumes] = await Promise.all([
    ec2.findSnapshotsByTag(TAG_MANAGED_BY, MANAGED_BY_VALUE),
    ec2.findVolumesByTag(TAG_MANAGED_BY, MANAGED_BY_VALUE),
  ]);
  const refs = await loadReferences(exec, snapshots, volumes);

  const result: CleanupResult = {
    replacedVolumesDeleted: [],
    orphanSnapshotsDeleted: [],
    orphanVolumesDeleted: [],
    candidates: 0,
  };
  const orphans: { id: string; kind: 'snapshot' | 'volume'; reason: string }[] = [];

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
    } else if (verdict.action === 'orphan') {
      orphans.push({ id: v.volumeId, kind: 'volume', reason: verdict.reason });
    }
  }

  // Remember when each orphan was first seen; forget what is no longer orphaned.
  const ids = orphans.map((o) => o.id);
  await exec('delete from cleanup_candidates where region = ? and not (resource_id = any(?::text[]))', [
    ec2.region,
    pgTextArray(ids),
  ]);
  for (const o of orphans) {
    await exec(
      `insert into cleanup_candidates (resource_id, region, kind, reason, first_seen_at) values (?, ?, ?, ?, ?)
       on conflict (resource_id) do update set reason = excluded.reason`,
      [o.id, ec2.region, o.kind, o.reason, now],
    );
  }
  const due = await exec<{ resource_id: string; kind: 'snapshot' | 'volume' }[]>(
    `select resource_id, kind from cleanup_candidates
      where region = ? and resource_id = any(?::text[]) and first_seen_at <= ?`,
    [ec2.region, pgTextArray(ids), new Date(now.getTime() - opts.safetyDelayMs)],
  );
  for (const d of due) {
    if (d.kind === 'snapshot') {
      await ec2.deleteSnapshot(d.resource_id);
      result.orphanSnapshotsDeleted.push(d.resource_id);
    } else {
      await ec2.deleteVolume(d.resource_id);
      result.orphanVolumesDeleted.push(d.resource_id);
    }
    await exec('delete from cleanup_candidates where resource_id = ?', [d.resource_id]);
  }
  result.candidates = orphans.length - due.length;
  return result;
}
