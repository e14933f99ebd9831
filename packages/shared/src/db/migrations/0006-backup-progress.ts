import { Migration } from '@mikro-orm/migrations';

// How far a backup has got, 0–100, for the API to show while its snapshots
// run: the mean of its snapshots' progress weighted by volume size (see
// weightedProgress in backups/backup-progress-calc.ts, which this backfill
// mirrors in SQL), 100 once completed, null before any snapshot exists.
// Backups that finished any other way keep null: nothing is waiting on them.
export class Migration0006BackupProgress extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table backups add column progress smallint null check (progress between 0 and 100);

      update backups set progress = 100 where status = 'completed';

      -- A row without a snapshot id counts 0 and a completed one 100, once the
      -- backup has any snapshot id; integer sums, floored division.
      update backups b set progress = s.progress
        from (
          select backup_id,
                 least(100, greatest(0, floor(
                   sum(volume_size_gib::bigint * case
                         when snapshot_id is null then 0
                         when state = 'completed' then 100
                         else progress end)::numeric
                   / sum(volume_size_gib)))) as progress
            from backup_snapshots
           group by backup_id
          having count(snapshot_id) > 0
        ) s
       where b.id = s.backup_id and b.status = 'in_progress';
    `);
  }

  override async down(): Promise<void> {
    this.addSql('alter table backups drop column progress;');
  }
}
