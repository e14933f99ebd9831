export * from './backup.entity.js';
export * from './backup-policy.js';
export * from './backup-snapshot.entity.js';
export * from './backup-statuses.js';
export * from './backup-writes.js';
export * from './create-backup.js';
export * from './domain-error.js';
