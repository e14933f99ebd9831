export * from './api-key.entity.js';
export * from './tenant.entity.js';
