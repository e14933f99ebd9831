import { describe, expect, it } from 'vitest';
import {
  assertBackupsSupported,
  assertPlanHasBackups,
  assertUnderLimit,
  backupLimit,
} from './backup-policy.js';
import { DomainError } from './domain-error.js';

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof DomainError ? err.code : 'not-a-domain-error';
  }
}

describe('backup policy', () => {
  it('uses the plan table unless the tenant has an override', () => {
    expect(backupLimit('basic', null)).toBeNull();
    expect(backupLimit('basic', 50)).toBeNull();
    expect(backupLimit('pro', null)).toBe(5);
    expect(backupLimit('enterprise', null)).toBe(10);
    expect(backupLimit('enterprise', 200)).toBe(200);
    expect(backupLimit('pro', 0)).toBe(0);
  });

  it('refuses Basic, non-AWS and NVMe, and the backup that would exceed the limit', () => {
    expect(codeOf(() => assertPlanHasBackups('basic'))).toBe('plan_upgrade_required');
    expect(codeOf(() => assertPlanHasBackups('pro'))).toBeUndefined();
    expect(codeOf(() => assertBackupsSupported({ cloud: 'gcp', storageType: 'network' }))).toBe(
      'backups_not_supported',
    );
    expect(codeOf(() => assertBackupsSupported({ cloud: 'aws', storageType: 'nvme' }))).toBe(
      'backups_not_supported',
    );
    expect(codeOf(() => assertBackupsSupported({ cloud: 'aws', storageType: 'network' }))).toBeUndefined();
    expect(codeOf(() => assertUnderLimit(5, 4))).toBeUndefined();
    expect(codeOf(() => assertUnderLimit(5, 5))).toBe('backup_limit_reached');
  });
});
