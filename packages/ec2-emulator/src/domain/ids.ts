import { randomBytes, randomUUID } from 'node:crypto';

/** EC2's current id format: a prefix and 17 hex digits (`vol-0abc...`). */
export function newResourceId(prefix: 'i' | 'vol' | 'snap' | 'r'): string {
  return `${prefix}-0${randomBytes(8).toString('hex')}`;
}

export function newRequestId(): string {
  return randomUUID();
}

const ID_PATTERNS = {
  i: /^i-[0-9a-f]{8}([0-9a-f]{9})?$/,
  vol: /^vol-[0-9a-f]{8}([0-9a-f]{9})?$/,
  snap: /^snap-[0-9a-f]{8}([0-9a-f]{9})?$/,
};

export function isWellFormedId(prefix: keyof typeof ID_PATTERNS, id: string): boolean {
  return ID_PATTERNS[prefix].test(id);
}
