/**
 * Node/SDK error codes meaning "the other side could not be reached just now":
 * a reason to wait and try again (EC2 calls) or to answer 503 (the API),
 * never a verdict on the request itself.
 */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'TimeoutError',
]);
