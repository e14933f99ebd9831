export type { WriteGuard } from '../db/in-transaction.js';
export * from './enqueue.js';
export * from './lease.js';
export * from './operation.entity.js';
export * from './operation-list.js';
export * from './operation-statuses.js';
export * from './stuck-operations.js';
