import type { Cloud, Plan, StorageType } from '../domain/enums.js';
import { DomainError } from './domain-error.js';

// The plan limits and support rules of the public Backups API documentation, with no I/O.

/** Backups per deployment by plan; null means the plan has no backups at all. */
export const PLAN_BACKUP_LIMITS: Record<Plan, number | null> = { basic: null, pro: 5, enterprise: 10 };

/** The tenant's negotiated override wins over the plan's number. */
export function backupLimit(plan: Plan, override: number | null): number | null {
  if (PLAN_BACKUP_LIMITS[plan] === null) return null;
  return override ?? PLAN_BACKUP_LIMITS[plan];
}

export function assertPlanHasBackups(plan: Plan): void {
  if (PLAN_BACKUP_LIMITS[plan] === null) {
    throw new DomainError(
      'plan_upgrade_required',
      'Backups require the Pro or Enterprise plan. Upgrade the plan to use them.',
    );
  }
}

export function assertBackupsSupported(deployment: { cloud: Cloud; storageType: StorageType }): void {
  if (deployment.cloud !== 'aws' || deployment.storageType !== 'network') {
    throw new DomainError(
      'backups_not_supported',
      'Backups are available for AWS deployments with network storage only; this deployment does not support them.',
    );
  }
}

/** The error for a create that would exceed the limit. */
export function limitReached(limit: number, counted: number, rotating?: string): DomainError {
  const rotation = rotating ? ` and none of its completed ${rotating} backups could be rotated out` : '';
  return new DomainError(
    'backup_limit_reached',
    `This deployment already has ${counted} of its ${limit} backups${rotation}. Delete a backup before creating another.`,
  );
}

/** Throws backup_limit_reached when one more backup would exceed the limit. */
export function assertUnderLimit(limit: number, counted: number): void {
  if (counted >= limit) throw limitReached(limit, counted);
}
