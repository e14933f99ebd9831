import { Migration } from '@mikro-orm/migrations';

// A key that makes creating a backup safe to repeat: a schedule tick retried
// after a crash (the job id names the tick) finds the backup it already made
// instead of making a second one.
export class Migration0002BackupIdempotencyKey extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table backups add column idempotency_key text check (length(idempotency_key) between 1 and 200);
      create unique index backups_idempotency_key on backups (deployment_id, idempotency_key)
        where idempotency_key is not null;
    `);
  }

  override async down(): Promise<void> {
    this.addSql('alter table backups drop column idempotency_key;');
  }
}
