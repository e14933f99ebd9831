import { NETWORK_ERROR_CODES } from '../network-errors.js';
// EC2 errors fall in three classes, and each calls for a different reaction:
// - `wait`: EC2 (or the path to it) is saying "not now". Throttling, the snapshot
//   concurrency caps, 5xx and network trouble. The operation stays alive and tries
//   again later, with jittered back-off.
// - `not_found`: a fact about the world (the snapshot is already gone, the volume
//   was never made). Callers decide whether that is fine.
// - `failure`: anything else. Retrying will not help; the operation fails (or rolls back).

export type Ec2ErrorClass = 'wait' | 'not_found' | 'failure';

const WAIT_CODES = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'ConcurrentSnapshotLimitExceeded',
  'SnapshotCreationPerVolumeRateExceeded',
  'PendingSnapshotLimitExceeded',
  'InsufficientInstanceCapacity',
  'ServiceUnavailable',
  'Unavailable',
  'InternalError',
  'InternalFailure',
  'RequestTimeout',
  'RequestTimeoutException',
]);

interface SdkErrorLike {
  name?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** The EC2 error code of an SDK error (`InvalidVolume.NotFound`), or the error's name/code. */
export function ec2ErrorCode(err: unknown): string {
  if (typeof err !== 'object' || err === null) return 'Unknown';
  const e = err as SdkErrorLike;
  if (typeof e.code === 'string' && NETWORK_ERROR_CODES.has(e.code)) return e.code;
  if (typeof e.name === 'string' && e.name !== 'Error') return e.name;
  if (typeof e.code === 'string') return e.code;
  return 'Unknown';
}

export function classifyEc2Error(err: unknown): Ec2ErrorClass {
  const code = ec2ErrorCode(err);
  if (WAIT_CODES.has(code) || NETWORK_ERROR_CODES.has(code)) return 'wait';
  if (code.endsWith('.NotFound') || code.endsWith('NotFound')) return 'not_found';
  const status = (err as SdkErrorLike | null)?.$metadata?.httpStatusCode;
  if (typeof status === 'number' && status >= 500) return 'wait';
  // No HTTP status at all means the request never got an answer (socket hang-up etc.).
  if (
    typeof err === 'object' &&
    err !== null &&
    (err as SdkErrorLike).$metadata === undefined &&
    code === 'Unknown'
  ) {
    return 'wait';
  }
  return 'failure';
}

/** EC2 said "not now" more often than the adapter retries in place; try the step again later. */
export class Ec2WaitError extends Error {
  constructor(
    readonly action: string,
    readonly code: string,
    readonly retryAfterMs: number,
    options?: { cause?: unknown },
  ) {
    super(`EC2 ${action} is throttled or unavailable (${code}); retrying in ${retryAfterMs} ms`, options);
    this.name = 'Ec2WaitError';
  }
}

/** A failure retrying cannot fix: the message is what EC2 said, for the failure reason. */
export class Ec2FailureError extends Error {
  constructor(
    readonly action: string,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`EC2 ${action} failed (${code}): ${message}`, options);
    this.name = 'Ec2FailureError';
  }
}

export class Ec2NotFoundError extends Error {
  constructor(
    readonly action: string,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`EC2 ${action}: ${code}: ${message}`, options);
    this.name = 'Ec2NotFoundError';
  }
}
