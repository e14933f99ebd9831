import { createHash, randomInt } from 'node:crypto';

// Keys look like ld_ + base62 characters; only their SHA-256 is stored. A
// header that cannot be a key is rejected before touching the database.

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KEY_PATTERN = /^ld_[0-9A-Za-z]{32,128}$/;
const GENERATED_LENGTH = 40;

export function looksLikeApiKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A fresh key from a CSPRNG (40 base62 characters ≈ 238 bits). */
export function generateApiKey(): { key: string; prefix: string; hash: string } {
  let body = '';
  for (let i = 0; i < GENERATED_LENGTH; i++) body += BASE62[randomInt(BASE62.length)];
  const key = `ld_${body}`;
  return { key, prefix: key.slice(0, 8), hash: hashApiKey(key) };
}
