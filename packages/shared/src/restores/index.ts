export * from './restore.entity.js';
export * from './restore-plan.js';
export * from './restore-reads.js';
export * from './restore-statuses.js';
export * from './restore-transitions.js';
export * from './restore-volume.entity.js';
