import { Migration } from '@mikro-orm/migrations';

/** The channel the API listens on; the payload is a deployment id, or `*` for "all of them". */
export const BACKUP_LIST_CHANNEL = 'backup_list_changes';
/**
 * Set (`set local … = 'on'`) by a transaction whose change is announced by
 * other means right after COMMIT (the API's create): its rows notify nothing.
 */
export const DEFER_LIST_NOTIFY_SETTING = 'backups.defer_list_notify';

/**
 * Announces a deployment's list change as its own transaction, committed
 * without waiting for the WAL flush (a fallback for a change whose usual
 * announcement could not be sent). Losing it in a crash of Postgres loses
 * nothing: listeners reconnect and start empty.
 */
export function listChangeAnnouncement(deploymentId: bigint): string {
  return `begin; set local synchronous_commit = off; select pg_notify('${BACKUP_LIST_CHANNEL}', '${deploymentId.toString()}'); commit`;
}

// Every change to what a deployment's backup list shows (its backups, their
// snapshots, the deployment itself) notifies BACKUP_LIST_CHANNEL with the
// deployment's id, whoever writes it: the API, the workers, the scheduler, a
// migration or an operator's psql. The API keeps rendered lists in memory and
// drops one when its deployment is named. NOTIFY is transactional (sent at
// commit, never for a rollback) and repeats within a transaction are folded
// into one. TRUNCATE fires no row trigger, so it notifies `*`. The API's
// create is announced after its commit instead (DEFER_LIST_NOTIFY_SETTING).
export class Migration0007BackupListChanges extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create function notify_backup_list_change() returns trigger language plpgsql as $$
      declare
        deployment bigint;
      begin
        if current_setting('${DEFER_LIST_NOTIFY_SETTING}', true) = 'on' then
          return null;
        end if;
        if tg_op = 'TRUNCATE' then
          perform pg_notify('${BACKUP_LIST_CHANNEL}', '*');
          return null;
        end if;
        if tg_table_name = 'deployments' then
          deployment := old.id;
        elsif tg_table_name = 'backups' then
          deployment := coalesce(new.deployment_id, old.deployment_id);
          if tg_op = 'UPDATE' and new.deployment_id <> old.deployment_id then
            perform pg_notify('${BACKUP_LIST_CHANNEL}', old.deployment_id::text);
          end if;
        else
          -- A snapshot row names its backup; a backup deleted in the same
          -- statement has notified for itself already.
          select b.deployment_id into deployment
            from backups b where b.id = coalesce(new.backup_id, old.backup_id);
        end if;
        if deployment is not null then
          perform pg_notify('${BACKUP_LIST_CHANNEL}', deployment::text);
        end if;
        return null;
      end $$;

      create trigger backups_list_change after insert or update or delete on backups
        for each row execute function notify_backup_list_change();
      create trigger backup_snapshots_list_change after insert or update or delete on backup_snapshots
        for each row execute function notify_backup_list_change();
      create trigger deployments_list_change after update or delete on deployments
        for each row execute function notify_backup_list_change();

      create trigger backups_list_truncate after truncate on backups
        for each statement execute function notify_backup_list_change();
      create trigger backup_snapshots_list_truncate after truncate on backup_snapshots
        for each statement execute function notify_backup_list_change();
      create trigger deployments_list_truncate after truncate on deployments
        for each statement execute function notify_backup_list_change();
    `);
  }

  override async down(): Promise<void> {
    this.addSql(`
      drop trigger backups_list_change on backups;
      drop trigger backup_snapshots_list_change on backup_snapshots;
      drop trigger deployments_list_change on deployments;
      drop trigger backups_list_truncate on backups;
      drop trigger backup_snapshots_list_truncate on backup_snapshots;
      drop trigger deployments_list_truncate on deployments;
      drop function notify_backup_list_change();
    `);
  }
}
