import { z } from 'zod';

export const INT64_MAX = 9223372036854775807n;

/** A positive int64 id written as decimal digits (path parameters, job payloads). */
export const idString = z
  .string()
  .regex(/^[1-9][0-9]{0,18}$/, { error: 'must be a positive integer id', abort: true })
  .refine((s) => BigInt(s) <= INT64_MAX, 'must fit in a signed 64-bit integer');

/** Parses a positive int64 id from its decimal text, or returns null. */
export function parseId(text: string): bigint | null {
  return idString.safeParse(text).success ? BigInt(text) : null;
}
