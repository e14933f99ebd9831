import { describe, expect, it } from 'vitest';
import { generateApiKey, hashApiKey, looksLikeApiKey } from './api-key-secret.js';

describe('api keys', () => {
  it('generates keys that match the format, with a stable SHA-256 hash', () => {
    const { key, prefix, hash } = generateApiKey();
    expect(looksLikeApiKey(key)).toBe(true);
    expect(key.startsWith(prefix)).toBe(true);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(key)).toBe(hash);
    expect(generateApiKey().key).not.toBe(key);
  });

  it('rejects values that cannot be keys', () => {
    for (const bad of [
      '',
      'ld_',
      `ld_${'a'.repeat(31)}`,
      `xx_${'a'.repeat(40)}`,
      `ld_${'a'.repeat(39)}!`,
      ' ld_x',
    ]) {
      expect(looksLikeApiKey(bad), bad).toBe(false);
    }
  });
});
