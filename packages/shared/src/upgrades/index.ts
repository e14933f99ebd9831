export * from './upgrade.entity.js';
export * from './upgrade-statuses.js';
export * from './upgrade-transitions.js';
