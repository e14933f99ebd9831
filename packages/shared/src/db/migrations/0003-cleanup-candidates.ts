import { Migration } from '@mikro-orm/migrations';

// Orphans (our tagged snapshots and volumes that nothing references) are only
// deleted once they have stayed orphaned for a safety delay, measured from when
// the cleanup first saw them: a snapshot a worker has just created but not yet
// recorded must never be mistaken for one.
export class Migration0003CleanupCandidates extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table cleanup_candidates (
        resource_id text primary key,
        region text not null,
        kind text not null check (kind in ('snapshot', 'volume')),
        reason text not null,
        first_seen_at timestamptz not null default now()
      );
    `);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists cleanup_candidates;');
  }
}
