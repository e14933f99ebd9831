import { defineEntity, type InferEntity } from '@mikro-orm/core';

/**
 * The plan of one volume swap in a restore: which snapshot becomes which new
 * volume at which device of which node, and what was there before. Written
 * before any EC2 call so a worker that takes over knows the whole plan.
 */
export const RestoreVolumeSchema = defineEntity({
  name: 'RestoreVolume',
  tableName: 'restore_volumes',
  properties: (p) => ({
    id: p.bigint('bigint').primary().autoincrement(),
    restoreId: p.bigint('bigint'),
    nodeId: p.bigint('bigint'),
    deviceName: p.text(),
    snapshotId: p.text(),
    originalVolumeId: p.text(),
    /** Idempotency token for CreateVolume: a retried create returns the same volume. */
    clientToken: p.text().unique(),
    newVolumeId: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  }),
});
export type RestoreVolume = InferEntity<typeof RestoreVolumeSchema>;
