import { describe, expect, it } from 'vitest';
import { exactJsonInteger, exactJsonIntegerOrNull, parseJson, stringifyJson } from './json.js';

describe('int64-safe JSON', () => {
  it('keeps every digit of an int64 id both ways', () => {
    const text = '{"deployment_id":611298765432109056,"n":1.5,"small":42}';
    const parsed = parseJson(text) as Record<string, unknown>;
    expect(parsed.deployment_id).toBe(611298765432109056n);
    expect(parsed.small).toBe(42);
    expect(parsed.n).toBe(1.5);
    expect(stringifyJson(parsed)).toBe(text);
  });

  it('writes the extremes of the int64 range exactly', () => {
    const max = 9223372036854775807n;
    const min = -9223372036854775808n;
    expect(stringifyJson({ max, min })).toBe(`{"max":${max},"min":${min}}`);
  });

  it('writes int64s converted ahead exactly, safe or not, and mixes them with bigints', () => {
    const ids = [0n, 42n, 9007199254740991n, 9007199254740992n, 611298765432109056n, -9223372036854775808n];
    const text = `[${ids.join(',')}]`;
    expect(stringifyJson(ids.map(exactJsonInteger))).toBe(text);
    expect(stringifyJson({ a: exactJsonInteger(611298765432109056n), b: 611298765432109057n, c: null })).toBe(
      '{"a":611298765432109056,"b":611298765432109057,"c":null}',
    );
    expect(exactJsonIntegerOrNull(null)).toBeNull();
    expect(exactJsonIntegerOrNull(undefined)).toBeNull();
    expect(parseJson(stringifyJson({ id: exactJsonInteger(9223372036854775807n) }))).toEqual({
      id: 9223372036854775807n,
    });
  });

  it('rejects malformed JSON with a SyntaxError', () => {
    expect(() => parseJson('{"a":')).toThrow(SyntaxError);
  });
});
