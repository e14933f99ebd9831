import { describe, expect, it } from 'vitest';
import { type ProgressRow, weightedProgress } from './backup-progress-calc.js';

function row(volumeSizeGib: number, progress: number, opts: Partial<ProgressRow> = {}): ProgressRow {
  return { volumeSizeGib, progress, state: 'pending', snapshotId: 'snap-1', ...opts };
}

describe('backup progress', () => {
  it('is null until EC2 has accepted a snapshot', () => {
    expect(weightedProgress([])).toBeNull();
    expect(weightedProgress([row(50, 0, { snapshotId: null }), row(10, 0, { snapshotId: null })])).toBeNull();
  });

  it('weights each snapshot by its volume size and floors the mean', () => {
    expect(weightedProgress([row(50, 40)])).toBe(40);
    // (100 * 10 + 300 * 50) / 400 = 40
    expect(weightedProgress([row(100, 10), row(300, 50)])).toBe(40);
    // (1 * 99 + 2 * 100) / 3 = 99.67
    expect(weightedProgress([row(1, 99), row(2, 100)])).toBe(99);
    // (1 * 0 + 1 * 1) / 2 = 0.5
    expect(weightedProgress([row(1, 0), row(1, 1)])).toBe(0);
  });

  it('counts a completed snapshot as 100 and one not yet requested as 0', () => {
    expect(weightedProgress([row(50, 30, { state: 'completed' })])).toBe(100);
    // (50 * 100 + 50 * 0) / 100
    expect(weightedProgress([row(50, 0, { state: 'completed' }), row(50, 70, { snapshotId: null })])).toBe(
      50,
    );
  });

  it('stays within 0..100 whatever a row says', () => {
    expect(weightedProgress([row(10, 250)])).toBe(100);
    expect(weightedProgress([row(10, -5)])).toBe(0);
    expect(weightedProgress([row(10, Number.NaN)])).toBe(0);
    expect(weightedProgress([row(0, 50)])).toBe(0);
  });
});
