export * from './cleanup-candidate.entity.js';
