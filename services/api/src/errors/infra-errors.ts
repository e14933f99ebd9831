import { NETWORK_ERROR_CODES } from '@backups/shared';
import { ApiError } from './codes.js';

// Errors that mean "a dependency is away", not "this request is wrong": they
// become 503 with Retry-After, and the next request simply tries again (the pg
// pool and ioredis reconnect on their own).

/** Postgres SQLSTATEs for "server not usable right now" (classes 08, 53, 57P). */
function isUnavailableSqlState(code: string): boolean {
  return (
    code.startsWith('08') || code.startsWith('53') || code === '57P01' || code === '57P02' || code === '57P03'
  );
}

const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'Connection is closed',
  "Stream isn't writeable",
  // pg.Pool gave up waiting for a free connection (connectionTimeoutMillis in createOrm).
  'timeout exceeded when trying to connect',
  'connect ECONNREFUSED',
  'Reached the max retries per request limit',
  'Client has encountered a connection error',
  'Redis unavailable',
];

function looksUnavailable(err: unknown, depth: number): boolean {
  if (!err || typeof err !== 'object' || depth > 4) return false;
  const e = err as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && (NETWORK_ERROR_CODES.has(e.code) || isUnavailableSqlState(e.code)))
    return true;
  if (e.name === 'ConnectionException') return true;
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.some((m) => (e.message as string).includes(m))) {
    return true;
  }
  if (Array.isArray(e.errors) && e.errors.some((inner) => looksUnavailable(inner, depth + 1))) return true;
  return looksUnavailable(e.cause, depth + 1);
}

export function isInfrastructureUnavailable(err: unknown): boolean {
  return looksUnavailable(err, 0);
}

export function unavailable(): ApiError {
  return new ApiError(
    'unavailable',
    'The service is temporarily unavailable. Retry after the indicated delay.',
    {
      retryAfterSeconds: 5,
    },
  );
}
