import { describe, expect, it } from 'vitest';
import { CAPPED_BACKOFF, cappedBackoffMs } from './catalogue.js';

describe('cappedBackoffMs', () => {
  it('grows from about a second and never exceeds a minute', () => {
    expect(cappedBackoffMs(1, CAPPED_BACKOFF)).toBeLessThanOrEqual(1000);
    expect(cappedBackoffMs(1, CAPPED_BACKOFF)).toBeGreaterThanOrEqual(500);
    for (let n = 1; n <= 30; n++) expect(cappedBackoffMs(n, CAPPED_BACKOFF)).toBeLessThanOrEqual(60_000);
    expect(cappedBackoffMs(20, CAPPED_BACKOFF)).toBeGreaterThanOrEqual(30_000);
  });
  it('refuses backoff types it does not own', () => {
    expect(() => cappedBackoffMs(1, 'linear')).toThrow();
  });
});
