export * from './entities.js';
export {
  BACKUP_LIST_CHANNEL,
  DEFER_LIST_NOTIFY_SETTING,
  listChangeAnnouncement,
} from './migrations/0007-backup-list-changes.js';
export { createOrm, ensureDatabase, type Orm, type OrmOptions, ormOptions } from './orm.js';
export { isUniqueViolation } from './pg-errors.js';
export {
  nativePool,
  type PreparedRunner,
  type PreparedStatement,
  pipelinedTransaction,
  preparedStatement,
  runPrepared,
} from './prepared.js';
