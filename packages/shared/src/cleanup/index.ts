export * from './cleanup-candidate.entity.js';
export * from './cleanup-candidates.js';
