import type { ChildProcess } from 'node:child_process';

// Every process the benchmark spawns is tracked here, so none outlives it:
// stopChildren() ends them politely at the end of a run, and if the benchmark
// itself dies on an exception the exit hook kills whatever is left.

const live = new Set<ChildProcess>();

export function trackChild(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** SIGTERM, then SIGKILL once `graceMs` has passed; resolves when the process is gone. */
export function stopChild(child: ChildProcess, graceMs = 40_000): Promise<void> {
  if (exited(child)) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Stops every child still running (the cleanup of a run that ended early). */
export async function stopChildren(): Promise<void> {
  await Promise.all([...live].map((child) => stopChild(child)));
}

/**
 * Set when the benchmark gets SIGINT or SIGTERM: its waiting loops stop, and the
 * run cleans up (children, database, Redis keys) instead of leaving them behind.
 */
export const interrupted = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => interrupted.abort(new Error(`benchmark interrupted (${signal})`)));
