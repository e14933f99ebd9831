import type { CrashPoint } from './env.js';

/**
 * Test hook for the crash-safety suite: SIGKILL (no cleanup, no finally blocks)
 * at the named step. Inert unless SCHEDULER_CRASH_AT is set.
 */
export type CrashHook = (point: CrashPoint) => void;

export function crashPointFor(crashAt: CrashPoint | undefined): CrashHook {
  if (crashAt === undefined) return () => undefined;
  return (point) => {
    if (point === crashAt) process.kill(process.pid, 'SIGKILL');
  };
}
