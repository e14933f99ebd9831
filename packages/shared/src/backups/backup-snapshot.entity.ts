import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { SNAPSHOT_STATES } from './backup-statuses.js';

/**
 * One EBS snapshot of a backup. It records where the snapshot came from (node,
 * device, the volume's attributes at backup time) so a restore knows where each
 * snapshot goes back and what kind of volume to make from it.
 */
export const BackupSnapshotSchema = defineEntity({
  name: 'BackupSnapshot',
  tableName: 'backup_snapshots',
  properties: (p) => ({
    id: p.bigint('bigint').primary().autoincrement(),
    backupId: p.bigint('bigint'),
    nodeId: p.bigint('bigint'),
    volumeId: p.text(),
    deviceName: p.text(),
    volumeSizeGib: p.integer(),
    volumeType: p.text(),
    iops: p.integer().nullable(),
    throughput: p.integer().nullable(),
    encrypted: p.boolean(),
    kmsKeyId: p.text().nullable(),
    /** null until EC2 has accepted the snapshot request. */
    snapshotId: p.text().nullable().unique(),
    state: p.enum([...SNAPSHOT_STATES]),
    progress: p.smallint(),
    sizeBytes: p.bigint('bigint').nullable(),
    stateMessage: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  }),
});
export type BackupSnapshot = InferEntity<typeof BackupSnapshotSchema>;
