import { describe, expect, it } from 'vitest';
import { clientToken } from './restore-plan.js';

describe('clientToken', () => {
  it('makes deterministic, short client tokens', () => {
    const t = clientToken(611298765432109056n, 9223372036854775807n, '/dev/sdf');
    expect(t).toBe(clientToken(611298765432109056n, 9223372036854775807n, '/dev/sdf'));
    expect(t).not.toBe(clientToken(611298765432109056n, 9223372036854775807n, '/dev/sdg'));
    expect(t.length).toBeLessThanOrEqual(64);
  });
});
