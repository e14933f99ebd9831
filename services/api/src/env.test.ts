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
