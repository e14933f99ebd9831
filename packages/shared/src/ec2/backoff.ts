/**
 * "Full jitter" exponential back-off (AWS Architecture Blog, "Exponential Backoff
 * And Jitter"): a random delay in [base/2, min(cap, base * 2^attempt)], so a fleet
 * that was throttled together does not retry together.
 */
export function backoffDelayMs(
  attempt: number,
  opts: { baseMs: number; capMs: number },
  random = Math.random,
): number {
  const ceiling = Math.min(opts.capMs, opts.baseMs * 2 ** Math.max(0, attempt));
  const floor = Math.min(ceiling, opts.baseMs / 2);
  return Math.round(floor + random() * (ceiling - floor));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
