export { checkReadiness, type Readiness } from './health.js';
export { createMetrics, type Metrics, registerDomainGauges, registerQueueGauges } from './metrics.js';
export { startOpsServer } from './ops-server.js';
