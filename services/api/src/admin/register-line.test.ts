import { describe, expect, it } from 'vitest';
import { parseRegisterLine } from './register-line.js';

describe('a deployment:register --jsonl line', () => {
  it('takes the flags as fields, numbers and lists as JSON, int64 ids exactly', () => {
    const parsed = parseRegisterLine(
      '{"tenant": 7, "name": "orders", "region": "us-west-1", "instances": ["i-0123456789abcdef0", "i-00000001"], "id": 611298765432109057, "cloud": "aws"}',
    );
    expect(parsed).toEqual({
      ok: true,
      options: {
        tenant: 7n,
        name: 'orders',
        region: 'us-west-1',
        instances: ['i-0123456789abcdef0', 'i-00000001'],
        id: 611298765432109057n,
        storage: 'network',
        cloud: 'aws',
        version: '0.0.0',
      },
    });
    expect(
      parseRegisterLine('{"tenant": "7", "name": "o", "region": "r", "instances": "i-00000001,i-00000002"}'),
    ).toMatchObject({
      ok: true,
      options: { instances: ['i-00000001', 'i-00000002'] },
    });
  });

  it('names what is wrong, field by field', () => {
    const error = (text: string) => {
      const parsed = parseRegisterLine(text);
      return parsed.ok ? 'ok' : parsed.error;
    };
    expect(error('{"tenant": 1,')).toMatch(/^not valid JSON: /);
    expect(error('[1]')).toBe('expected a JSON object with the fields of deployment:register');
    expect(error('{"tenant": 1.5, "region": "r", "instances": ["x"], "nam": "n"}')).toBe(
      'tenant: must be a positive integer id; name: missing; instances.0: must be an EC2 instance id; unknown field "nam"',
    );
    expect(error('{"tenant": 1, "name": "", "region": "r", "instances": []}')).toMatch(
      /^name: .*; instances: .*$/,
    );
  });
});
