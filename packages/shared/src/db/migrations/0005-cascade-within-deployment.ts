import { Migration } from '@mikro-orm/migrations';

// Everything below a deployment goes with it. Removing a deployment (or
// re-seeding the local demo) failed because some references inside one
// deployment were NO ACTION: Postgres may check them before the cascade from
// `deployments` reaches the referencing rows. Within one deployment every
// reference now cascades, so the delete order does not matter.
const REFERENCES = [
  ['backups', 'node_id', 'nodes'],
  ['backup_snapshots', 'node_id', 'nodes'],
  ['restores', 'backup_id', 'backups'],
  ['restore_volumes', 'node_id', 'nodes'],
  ['upgrades', 'pre_upgrade_backup_id', 'backups'],
  ['operations', 'backup_id', 'backups'],
  ['operations', 'restore_id', 'restores'],
  ['operations', 'upgrade_id', 'upgrades'],
  ['backup_schedules', 'node_id', 'nodes'],
] as const;

function recreate(action: 'cascade' | 'no action'): string {
  return REFERENCES.map(
    ([table, column, target]) => `
      alter table ${table} drop constraint ${table}_${column}_fkey;
      alter table ${table} add constraint ${table}_${column}_fkey
        foreign key (${column}) references ${target} (id) on delete ${action};`,
  ).join('\n');
}

export class Migration0005CascadeWithinDeployment extends Migration {
  override async up(): Promise<void> {
    this.addSql(recreate('cascade'));
  }

  override async down(): Promise<void> {
    this.addSql(recreate('no action'));
  }
}
