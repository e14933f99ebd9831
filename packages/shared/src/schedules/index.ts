export * from './schedule-calc.js';
export * from './schedule-jobs.js';
