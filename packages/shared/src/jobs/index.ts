export * from './catalogue.js';
export { type JobWorkersOptions, startJobWorkers } from './job-dispatch.js';
export { checkHandlers, defineJobHandler, type JobHandler, parsePayload } from './job-handler.js';
export { JobQueues } from './queues.js';
export { type ReconcileResult, reconcile } from './reconcile.js';
export { createRedis } from './redis.js';
