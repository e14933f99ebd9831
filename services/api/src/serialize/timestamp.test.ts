import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rfc3339 } from './timestamp.js';

describe('rfc3339', () => {
  it("is toISOString's text cut to the second, for any date", () => {
    fc.assert(
      fc.property(fc.date({ noInvalidDate: true }), (date) => {
        expect(rfc3339(date)).toBe(`${date.toISOString().slice(0, 19)}Z`);
      }),
      { numRuns: 2_000 },
    );
  });

  it('pads every field', () => {
    expect(rfc3339(new Date('2026-01-02T03:04:05.678Z'))).toBe('2026-01-02T03:04:05Z');
  });
});
