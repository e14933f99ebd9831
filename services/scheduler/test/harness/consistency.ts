import { MANAGED_BY_VALUE, TAG_BACKUP, TAG_MANAGED_BY } from '@backups/shared/ec2';
import type { EntityManager } from '@mikro-orm/postgresql';

interface EmuSnapshot {
  snapshotId: string;
  volumeId: string | null;
  tags: Record<string, string>;
}

/**
 * What Postgres and EC2 must agree on once the fleet has settled, whatever was
 * killed on the way: no operation or delete unfinished, every snapshot of ours
 * in EC2 recorded by a live backup and every recorded one present, and no two
 * snapshots in EC2 of one volume for one backup (a duplicate no index prevents).
 * Returns the problems found; empty when consistent.
 */
export async function snapshotProblems(em: EntityManager, snapshots: EmuSnapshot[]): Promise<string[]> {
  const problems: string[] = [];
  const unfinished = await em.execute<{ id: string; kind: string }[]>(
    `select id::text, kind from operations where status in ('queued', 'running')`,
  );
  if (unfinished.length) problems.push(`unfinished operations: ${JSON.stringify(unfinished)}`);
  const deleting = await em.execute<{ id: string }[]>(
    `select id::text from backups where status = 'deleting'`,
  );
  if (deleting.length) problems.push(`backups still deleting: ${deleting.map((b) => b.id).join(', ')}`);

  const recorded = new Set(
    (
      await em.execute<{ snapshot_id: string }[]>(
        `select s.snapshot_id from backup_snapshots s join backups b on b.id = s.backup_id
          where s.snapshot_id is not null and s.state <> 'deleted' and b.status <> 'deleted'`,
      )
    ).map((r) => r.snapshot_id),
  );
  const ours = snapshots.filter((s) => s.tags[TAG_MANAGED_BY] === MANAGED_BY_VALUE);
  for (const s of ours)
    if (!recorded.has(s.snapshotId))
      problems.push(`snapshot ${s.snapshotId} in EC2, recorded by no live backup`);
  for (const id of recorded)
    if (!snapshots.some((s) => s.snapshotId === id)) problems.push(`recorded snapshot ${id} missing in EC2`);

  const perBackupVolume = new Map<string, string[]>();
  for (const s of ours) {
    const key = `backup ${s.tags[TAG_BACKUP]} volume ${s.volumeId}`;
    perBackupVolume.set(key, [...(perBackupVolume.get(key) ?? []), s.snapshotId]);
  }
  for (const [key, ids] of perBackupVolume)
    if (ids.length > 1) problems.push(`${key} has ${ids.length} snapshots in EC2: ${ids.join(', ')}`);
  return problems;
}
