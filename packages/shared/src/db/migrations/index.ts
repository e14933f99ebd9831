import type { MigrationObject } from '@mikro-orm/core';
import { Migration0001InitialSchema } from './0001-initial-schema.js';
import { Migration0002BackupIdempotencyKey } from './0002-backup-idempotency-key.js';
import { Migration0003CleanupCandidates } from './0003-cleanup-candidates.js';
import { Migration0004UpgradeStep } from './0004-upgrade-step.js';
import { Migration0005CascadeWithinDeployment } from './0005-cascade-within-deployment.js';
import { Migration0006BackupProgress } from './0006-backup-progress.js';
import { Migration0007BackupListChanges } from './0007-backup-list-changes.js';

/** Every migration, in order. Listed explicitly so no file globbing is needed at run time. */
export const MIGRATIONS: MigrationObject[] = [
  { name: '0001-initial-schema', class: Migration0001InitialSchema },
  { name: '0002-backup-idempotency-key', class: Migration0002BackupIdempotencyKey },
  { name: '0003-cleanup-candidates', class: Migration0003CleanupCandidates },
  { name: '0004-upgrade-step', class: Migration0004UpgradeStep },
  { name: '0005-cascade-within-deployment', class: Migration0005CascadeWithinDeployment },
  { name: '0006-backup-progress', class: Migration0006BackupProgress },
  { name: '0007-backup-list-changes', class: Migration0007BackupListChanges },
];
