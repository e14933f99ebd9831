export * from './enqueue.js';
export * from './operation.entity.js';
export * from './operation-statuses.js';
