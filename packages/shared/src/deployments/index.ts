export * from './deployment.entity.js';
export * from './deployment-state.js';
export * from './deployment-statuses.js';
export * from './node.entity.js';
export * from './node-discovery.js';
export * from './node-volumes.js';
export * from './registration.js';
export * from './volume.entity.js';
