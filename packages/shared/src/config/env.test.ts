import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, databaseEnv, logEnv, parseConfig, redisEnv } from './env.js';

const schema = z.object({ ...databaseEnv, ...redisEnv, ...logEnv });

describe('parseConfig', () => {
  it('applies local defaults', () => {
    const cfg = parseConfig('test', schema, {});
    expect(cfg.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/backups');
    expect(cfg.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(cfg.LOG_PRETTY).toBe(false);
  });

  it('names every bad variable', () => {
    try {
      parseConfig('api', schema, { DATABASE_URL: 'not a url', LOG_LEVEL: 'loud', QUEUE_PREFIX: 'a b' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const message = (err as ConfigError).message;
      expect(message).toContain('Invalid configuration for api');
      expect(message).toContain('DATABASE_URL');
      expect(message).toContain('LOG_LEVEL');
      expect(message).toContain('QUEUE_PREFIX');
    }
  });
});
