// Errors the domain raises when a request breaks a business rule. They carry a
// code from the API's closed set; the API renders them, the scheduler records
// them (e.g. as a failed scheduled backup's reason).

export const DOMAIN_ERROR_CODES = [
  'not_found',
  'plan_upgrade_required',
  'backups_not_supported',
  'invalid_node',
  'backup_limit_reached',
  'backup_busy',
  'restore_conflict',
  'upgrade_conflict',
] as const;
export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
