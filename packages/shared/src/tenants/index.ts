export * from './api-key.entity.js';
export * from './api-key-secret.js';
export * from './api-keys.js';
export * from './tenant.entity.js';
export * from './tenant-writes.js';
