import type { Cloud, Plan, StorageType } from '@backups/shared';
import { ApiError } from '../errors/codes.js';

// The seed's plan table and support rules, with no I/O.

/** Backups per deployment by plan; null means the plan has no backups at all. */
export const PLAN_BACKUP_LIMITS: Record<Plan, number | null> = { basic: null, pro: 5, enterprise: 10 };

/** The tenant's negotiated override wins over the plan's number. */
export function backupLimit(plan: Plan, override: number | null): number | null {
  if (PLAN_BACKUP_LIMITS[plan] === null) return null;
  return override ?? PLAN_BACKUP_LIMITS[plan];
}

export function assertPlanHasBackups(plan: Plan): void {
  if (PLAN_BACKUP_LIMITS[plan] === null) {
    throw new ApiError(
      'plan_upgrade_required',
      'Backups require the Pro or Enterprise plan. Upgrade the plan to use them.',
    );
  }
}

export function assertBackupsSupported(deployment: { cloud: Cloud; storageType: StorageType }): void {
  if (deployment.cloud !== 'aws' || deployment.storageType !== 'network') {
    throw new ApiError(
      'backups_not_supported',
      'Backups are available for AWS deployments with network storage only; this deployment does not support them.',
    );
  }
}

/** Throws backup_limit_reached when one more backup would exceed the limit. */
export function assertUnderLimit(limit: number, counted: number): void {
  if (counted >= limit) {
    throw new ApiError(
      'backup_limit_reached',
      `This deployment already has ${counted} of its ${limit} backups. Delete a backup before creating another.`,
    );
  }
}
