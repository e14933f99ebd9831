import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldIssues } from '../http/validation.js';
import { isInfrastructureUnavailable } from './infra-errors.js';

describe('isInfrastructureUnavailable', () => {
  it('recognises refused, reset and pool-timeout errors, also when wrapped', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(isInfrastructureUnavailable(refused)).toBe(true);
    expect(isInfrastructureUnavailable(new Error('wrapped', { cause: refused }))).toBe(true);
    // What MikroORM throws when no pooled connection frees up in time.
    expect(
      isInfrastructureUnavailable(
        Object.assign(new Error('timeout exceeded when trying to connect'), { name: 'DriverException' }),
      ),
    ).toBe(true);
    expect(isInfrastructureUnavailable(Object.assign(new Error('admin shutdown'), { code: '57P01' }))).toBe(
      true,
    );
    expect(
      isInfrastructureUnavailable(
        new Error("Stream isn't writeable and enableOfflineQueue options is false"),
      ),
    ).toBe(true);
    expect(isInfrastructureUnavailable(new AggregateError([refused], 'all failed'))).toBe(true);
  });

  it('does not excuse bugs or constraint violations as outages', () => {
    expect(isInfrastructureUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isInfrastructureUnavailable(Object.assign(new Error('dup'), { code: '23505' }))).toBe(false);
    expect(isInfrastructureUnavailable(null)).toBe(false);
  });
});

describe('fieldIssues', () => {
  it('names each unknown key and each bad field', () => {
    const result = z.strictObject({ name: z.string() }).safeParse({ name: 1, a: 1, b: 2 });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(
      fieldIssues(result.error)
        .map((i) => i.field)
        .sort(),
    ).toEqual(['a', 'b', 'name']);
  });
});
