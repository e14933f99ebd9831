import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from './backoff.js';

describe('backoffDelayMs', () => {
  const opts = { baseMs: 100, capMs: 1000 };
  it('grows exponentially up to the cap', () => {
    expect(backoffDelayMs(0, opts, () => 1)).toBe(100);
    expect(backoffDelayMs(2, opts, () => 1)).toBe(400);
    expect(backoffDelayMs(10, opts, () => 1)).toBe(1000);
  });
  it('jitters between half the base and the ceiling', () => {
    expect(backoffDelayMs(3, opts, () => 0)).toBe(50);
    const seen = new Set(Array.from({ length: 50 }, () => backoffDelayMs(3, opts)));
    expect(seen.size).toBeGreaterThan(10);
    for (const v of seen) {
      expect(v).toBeGreaterThanOrEqual(50);
      expect(v).toBeLessThanOrEqual(800);
    }
  });
});
