import { describe, expect, it } from 'vitest';
import { CRASH_POINTS } from '../src/crash.js';
import { CRASH_FILES } from './harness/crash-run.js';

describe('the crash matrix', () => {
  it('assigns every crash point to exactly one crash test file', () => {
    const files = Object.entries(CRASH_FILES);
    const unassigned = CRASH_POINTS.filter((p) => files.filter(([, has]) => has(p)).length !== 1);
    expect(unassigned).toEqual([]);
  });
});
