import type { CallStats } from '@backups/ec2-emulator';

// The emulator's own call counters are the source of truth for what the fleet
// asked of EC2: a worker counts only what it sees, and a call refused before
// it left the process (the fleet's own token bucket) is not an EC2 call.

/** EC2's "not now" answers: throttling and the snapshot concurrency limits. */
export const REFUSAL_CODES = [
  'RequestLimitExceeded',
  'PendingSnapshotLimitExceeded',
  'ConcurrentSnapshotLimitExceeded',
  'SnapshotCreationPerVolumeRateExceeded',
] as const;

export interface ActionCalls {
  action: string;
  total: number;
  accepted: number;
  refused: Partial<Record<(typeof REFUSAL_CODES)[number], number>>;
  refusedTotal: number;
  /** Any other error code, e.g. a NotFound. */
  otherErrors: Record<string, number>;
}

/** Calls made between two readings of `emu.control.calls()`, by action. */
export function callsBetween(
  before: Record<string, CallStats>,
  after: Record<string, CallStats>,
): ActionCalls[] {
  return Object.entries(after)
    .map(([action, stats]) => {
      const earlier = before[action];
      const errors = Object.entries(stats.errors).map(
        ([code, n]) => [code, n - (earlier?.errors[code] ?? 0)] as const,
      );
      const refused = Object.fromEntries(
        errors.filter(([code, n]) => n > 0 && (REFUSAL_CODES as readonly string[]).includes(code)),
      );
      const otherErrors = Object.fromEntries(
        errors.filter(([code, n]) => n > 0 && !(REFUSAL_CODES as readonly string[]).includes(code)),
      );
      const total = stats.total - (earlier?.total ?? 0);
      const refusedTotal = Object.values(refused).reduce((a, b) => a + b, 0);
      const otherTotal = Object.values(otherErrors).reduce((a, b) => a + b, 0);
      return {
        action,
        total,
        accepted: total - refusedTotal - otherTotal,
        refused,
        refusedTotal,
        otherErrors,
      };
    })
    .filter((c) => c.total > 0)
    .sort((a, b) => a.action.localeCompare(b.action));
}

export function sumCalls(calls: readonly ActionCalls[]): { total: number; refused: number } {
  return {
    total: calls.reduce((a, c) => a + c.total, 0),
    refused: calls.reduce((a, c) => a + c.refusedTotal, 0),
  };
}
