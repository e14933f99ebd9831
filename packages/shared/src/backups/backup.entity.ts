import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { BACKUP_TYPES } from '../domain/enums.js';
import { BACKUP_STATUSES } from './backup-statuses.js';

export const BackupSchema = defineEntity({
  name: 'Backup',
  tableName: 'backups',
  properties: (p) => ({
    id: p.bigint('bigint').primary().autoincrement(),
    deploymentId: p.bigint('bigint'),
    /** null: every node of the deployment. */
    nodeId: p.bigint('bigint').nullable(),
    name: p.text(),
    backupType: p.enum([...BACKUP_TYPES]),
    status: p.enum([...BACKUP_STATUSES]),
    region: p.text(),
    /** The tenant's own description. */
    remarks: p.text().nullable(),
    /** Why the backup failed, in words a tenant can act on. */
    failureReason: p.text().nullable(),
    sizeBytes: p.bigint('bigint').nullable(),
    /**
     * 0–100: its snapshots' EC2 progress weighted by volume size, kept while
     * they run and 100 once completed; null before any snapshot exists.
     */
    progress: p.smallint().nullable(),
    startedAt: p.datetime().nullable(),
    completedAt: p.datetime().nullable(),
    expiresAt: p.datetime().nullable(),
    deletedAt: p.datetime().nullable(),
    /** Makes a create safe to repeat (e.g. the schedule tick that made it). */
    idempotencyKey: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  }),
});
export type Backup = InferEntity<typeof BackupSchema>;
