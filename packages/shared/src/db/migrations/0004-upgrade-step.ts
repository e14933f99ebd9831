import { Migration } from '@mikro-orm/migrations';

// The step an upgrade has reached (stop_nodes, start_nodes), so whichever
// worker holds the operation next resumes it where it was.
export class Migration0004UpgradeStep extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table upgrades add column step text check (step in ('stop_nodes', 'start_nodes'));`);
  }

  override async down(): Promise<void> {
    this.addSql('alter table upgrades drop column step;');
  }
}
