import { describe, expect, it } from 'vitest';
import { ExactInteger, idText, parseLosslessJson, stringifyLosslessJson } from './int64-json.js';

describe('parseLosslessJson', () => {
  it('keeps ids beyond 2^53 exact as decimal strings', () => {
    const parsed = parseLosslessJson(
      '[{"id":611298765432109056,"deployment_id":9223372036854775807,"n":42}]',
    );
    expect(parsed).toEqual([{ id: '611298765432109056', deployment_id: '9223372036854775807', n: 42 }]);
  });

  it('leaves digits inside strings, escaped quotes, decimals and exponents alone', () => {
    const text =
      '{"name":"x\\" 611298765432109056","size":1.5,"big":1e21,"neg":-12345678901234567890,"t":true}';
    expect(parseLosslessJson(text)).toEqual({
      name: 'x" 611298765432109056',
      size: 1.5,
      big: 1e21,
      neg: '-12345678901234567890',
      t: true,
    });
  });

  it('turns a safe number or a quoted big id into its text, and refuses anything else', () => {
    expect(idText(42)).toBe('42');
    expect(idText('611298765432109056')).toBe('611298765432109056');
    expect(() => idText(1.5)).toThrow();
    expect(() => idText(null)).toThrow();
  });
});

describe('stringifyLosslessJson', () => {
  it('writes ExactInteger values as bare digits and leaves look-alike strings quoted', () => {
    const text = stringifyLosslessJson({
      name: 'x',
      node_id: new ExactInteger('611298765432109056'),
      remarks: ':611298765432109056',
    });
    expect(text).toBe('{"name":"x","node_id":611298765432109056,"remarks":":611298765432109056"}');
    expect(parseLosslessJson(text)).toEqual({
      name: 'x',
      node_id: '611298765432109056',
      remarks: ':611298765432109056',
    });
  });

  it('refuses what is not an id', () => {
    expect(() => new ExactInteger('12a')).toThrow();
  });
});
