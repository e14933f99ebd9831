import { parseConfig } from '@backups/shared';
import { describe, expect, it } from 'vitest';
import { apiEnvSchema } from './env.js';

describe('API configuration: operator credentials and Bull Board', () => {
  it('leaves the board off and read-only by default', () => {
    const env = parseConfig('api', apiEnvSchema, {});
    expect(env.OPERATOR_USER).toBeUndefined();
    expect(env.BULL_BOARD_READ_ONLY).toBe(true);
  });
  it('takes a user and password together, and read-only can be turned off explicitly', () => {
    const env = parseConfig('api', apiEnvSchema, {
      OPERATOR_USER: 'ops',
      OPERATOR_PASSWORD: 'a long enough secret',
      BULL_BOARD_READ_ONLY: 'false',
    });
    expect(env).toMatchObject({ OPERATOR_USER: 'ops', BULL_BOARD_READ_ONLY: false });
  });
  it.each([
    [{ OPERATOR_USER: 'ops' }, 'OPERATOR_PASSWORD'],
    [{ OPERATOR_PASSWORD: 'a long enough secret' }, 'OPERATOR_PASSWORD'],
    [{ OPERATOR_USER: 'ops', OPERATOR_PASSWORD: 'short' }, 'at least 12'],
    [{ OPERATOR_USER: 'o:ps', OPERATOR_PASSWORD: 'a long enough secret' }, 'OPERATOR_USER'],
    [{ BULL_BOARD_READ_ONLY: 'maybe' }, 'BULL_BOARD_READ_ONLY'],
  ])('refuses %o', (source, message) => {
    expect(() => parseConfig('api', apiEnvSchema, source)).toThrow(message);
  });
});

describe('API configuration: well-known operator passwords are refused', () => {
  const withPassword =
    (OPERATOR_PASSWORD: string, OPERATOR_USER = 'ops') =>
    () =>
      parseConfig('api', apiEnvSchema, { OPERATOR_USER, OPERATOR_PASSWORD });

  it.each([
    // Placeholders sample configurations ship (docker-compose.yml once did the first).
    'change-this-password',
    'Change_This_Password',
    'please-changeme-now',
    'local-operator-2024',
    // Common passwords, padded or repeated to pass the length rule.
    'password1234',
    'Password123!',
    '2024admin2024',
    'adminadminadmin',
    'qwertyuiop123',
    '1qaz2wsx3edc',
    'letmein!letmein!',
    '123456789012',
    'aaaaaaaaaaaa',
    'abababababab',
  ])('refuses %s, saying how to make a good one', (password) => {
    expect(withPassword(password)).toThrow(/OPERATOR_PASSWORD: refused: .*openssl rand -base64 24/);
  });

  it('refuses a password equal to or containing the user name, in any case', () => {
    expect(withPassword('backup-operator', 'backup-operator')).toThrow('contains OPERATOR_USER');
    expect(withPassword('my-Alice-is-great', 'alice')).toThrow('contains OPERATOR_USER');
  });

  it('never repeats the refused password in the error (it may reach a log)', () => {
    expect(withPassword('Password123!')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('Password123!') }),
    );
  });

  it('accepts a generated password and a long passphrase', () => {
    expect(withPassword('q3VZ0m8kXbT1r9LwYs2eNc4H/7uJpA+d')).not.toThrow();
    expect(withPassword('correct horse battery')).not.toThrow();
  });
});

describe('API configuration: failed-authentication throttle and proxies', () => {
  it('defaults to 20 failures per 300 s per address and trusts no proxy', () => {
    const env = parseConfig('api', apiEnvSchema, {});
    expect(env).toMatchObject({
      AUTH_FAILURE_LIMIT: 20,
      AUTH_FAILURE_WINDOW_SECONDS: 300,
      TRUST_PROXY_HOPS: 0,
    });
  });
  it('takes values within bounds', () => {
    const env = parseConfig('api', apiEnvSchema, {
      AUTH_FAILURE_LIMIT: '5',
      AUTH_FAILURE_WINDOW_SECONDS: '60',
      TRUST_PROXY_HOPS: '2',
    });
    expect(env).toMatchObject({
      AUTH_FAILURE_LIMIT: 5,
      AUTH_FAILURE_WINDOW_SECONDS: 60,
      TRUST_PROXY_HOPS: 2,
    });
  });
  it.each([
    [{ AUTH_FAILURE_LIMIT: '0' }, 'AUTH_FAILURE_LIMIT'],
    [{ AUTH_FAILURE_LIMIT: 'many' }, 'AUTH_FAILURE_LIMIT'],
    [{ AUTH_FAILURE_WINDOW_SECONDS: '1' }, 'AUTH_FAILURE_WINDOW_SECONDS'],
    [{ AUTH_FAILURE_WINDOW_SECONDS: '100000' }, 'AUTH_FAILURE_WINDOW_SECONDS'],
    [{ TRUST_PROXY_HOPS: '-1' }, 'TRUST_PROXY_HOPS'],
    [{ TRUST_PROXY_HOPS: '1.5' }, 'TRUST_PROXY_HOPS'],
    [{ TRUST_PROXY_HOPS: '11' }, 'TRUST_PROXY_HOPS'],
  ])('refuses %o', (source, message) => {
    expect(() => parseConfig('api', apiEnvSchema, source)).toThrow(message);
  });
});
