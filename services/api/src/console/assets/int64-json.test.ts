import { describe, expect, it } from 'vitest';
import { idText, parseLosslessJson, stringifyWithIds } from './int64-json.js';

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

describe('stringifyWithIds', () => {
  it('writes ids as bare integers, exact past 2^53, and the rest as JSON.stringify does', () => {
    const text = stringifyWithIds(
      { cron: '0 3 * * *', node_id: '611298765432109777', keep_count: null, skipped: undefined },
      ['node_id'],
    );
    expect(text).toBe('{"cron":"0 3 * * *","node_id":611298765432109777,"keep_count":null}');
    expect(parseLosslessJson(text)).toMatchObject({ node_id: '611298765432109777' });
    expect(stringifyWithIds({ node_id: null, name: '"x"' }, ['node_id'])).toBe(
      '{"node_id":null,"name":"\\"x\\""}',
    );
  });

  it('refuses an id that is not one rather than write it into the JSON', () => {
    expect(() => stringifyWithIds({ node_id: '1,"x":2' }, ['node_id'])).toThrow();
  });
});
