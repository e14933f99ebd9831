import { describe, expect, it } from 'vitest';
import { parseJson, stringifyJson } from './json.js';

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

  it('rejects malformed JSON with a SyntaxError', () => {
    expect(() => parseJson('{"a":')).toThrow(SyntaxError);
  });
});
