import { UniqueConstraintViolationException } from '@mikro-orm/core';

/** True when a write failed on the named unique index/constraint (or on any, if no name is given). */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  if (err instanceof UniqueConstraintViolationException) {
    return constraint === undefined || err.message.includes(constraint);
  }
  const pgErr = err as { code?: string; constraint?: string };
  return pgErr?.code === '23505' && (constraint === undefined || pgErr.constraint === constraint);
}
