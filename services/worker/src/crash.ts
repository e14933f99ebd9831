/**
 * Steps at which a test can make a worker process SIGKILL itself (crash-safety
 * tests only), the one list of their names. Two kinds per step:
 * - `<kind>:after-<step>`: the step's effect is complete (in EC2 and/or
 *   Postgres) and what comes next is not yet recorded: the window a takeover
 *   must resolve by looking again, not by repeating the step blindly;
 * - `<kind>:mid-<step>`: the step has just acted on EC2 and has not yet looked
 *   at the result (a stop sent, a volume created but not recorded).
 * `<kind>:before-finish` is the drive loop's: the operation's end is written,
 * the operation itself not yet closed.
 *
 * Every name is exercised by services/worker/test/crash-*.test.ts; a name added
 * here without a scenario there fails those tests.
 */
export const CRASH_POINTS = [
  // Backup: start, admission, creation (see backup.handler.ts)
  'backup:after-start',
  'backup:after-reserve',
  'backup:after-mark-requested',
  'backup:after-confirm',
  'backup:after-create-snapshots',
  'backup:after-adopt',
  'backup:after-record-snapshots',
  // Backup failure: the reason recorded, the partial snapshots deleted, the backup failed
  'backup:after-give-up',
  'backup:after-delete-snapshots',
  'backup:before-release',
  'backup:before-finish',
  // The region's snapshot poller, mid-tick
  'poller:after-describe',
  'poller:after-record',
  'poller:after-sync',
  // Restore: every step of restore-steps.ts (forward, abort, rollback)
  'restore:after-plan',
  'restore:mid-create_volumes',
  'restore:after-create_volumes',
  'restore:mid-stop_nodes',
  'restore:after-stop_nodes',
  'restore:mid-detach',
  'restore:after-detach',
  'restore:mid-attach',
  'restore:after-attach',
  'restore:mid-start_nodes',
  'restore:after-start_nodes',
  'restore:after-finalize',
  'restore:after-abort',
  'restore:mid-rollback_detach',
  'restore:after-rollback_detach',
  'restore:mid-rollback_attach',
  'restore:after-rollback_attach',
  'restore:mid-rollback_start',
  'restore:after-rollback_start',
  'restore:after-rollback_cleanup',
  'restore:before-finish',
  // Upgrade: started, nodes stopped, version recorded and nodes started
  'upgrade:after-begin',
  'upgrade:mid-stop_nodes',
  'upgrade:after-stop_nodes',
  'upgrade:mid-start_nodes',
  'upgrade:after-start_nodes',
  'upgrade:before-finish',
  // Backup delete (a job of its own, not an ordered operation)
  'delete:after-delete-snapshots',
  'delete:after-mark-deleted',
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

/**
 * Test hook for the crash-safety suite: SIGKILL (no cleanup, no finally blocks)
 * at the named step. Inert unless WORKER_CRASH_AT is set.
 */
export function crashPointFor(crashAt: CrashPoint | undefined): (point: CrashPoint) => void {
  if (crashAt === undefined) return () => undefined;
  return (point) => {
    if (point === crashAt) process.kill(process.pid, 'SIGKILL');
  };
}
