export * from './backup-policy.js';
export * from './backup-writes.js';
export * from './create-backup.js';
export * from './domain-error.js';
