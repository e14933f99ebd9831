export * from './backup-schedule.entity.js';
export * from './schedule-calc.js';
export * from './schedule-store.js';
