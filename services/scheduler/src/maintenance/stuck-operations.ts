// The query moved to the operations log's owner (@backups/shared/operations).
// This line only keeps maintenance.jobs.ts compiling until its import points
// there; delete the file then.
export { findStuckOperations, type StuckOperation } from '@backups/shared/operations';
