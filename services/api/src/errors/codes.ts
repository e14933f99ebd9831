import { DOMAIN_ERROR_CODES } from '@backups/shared/backups';
// The closed set of error codes the API answers with, and the one place that
// decides their HTTP status. Domain code throws ApiError; onError renders it.

export const ERROR_CODES = [
  ...DOMAIN_ERROR_CODES,
  'invalid_request',
  'unauthenticated',
  'forbidden',
  'payload_too_large',
  'rate_limited',
  'unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const codeToStatus = {
  invalid_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  plan_upgrade_required: 403,
  not_found: 404,
  payload_too_large: 413,
  backups_not_supported: 422,
  invalid_node: 422,
  backup_limit_reached: 409,
  backup_busy: 409,
  restore_conflict: 409,
  upgrade_conflict: 409,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
} as const satisfies Record<ErrorCode, number>;

export type ErrorStatus = (typeof codeToStatus)[ErrorCode];

export interface FieldIssue {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { details?: FieldIssue[]; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get status(): ErrorStatus {
    return codeToStatus[this.code];
  }
}
