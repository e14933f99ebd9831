import { defineEntity, type InferEntity } from '@mikro-orm/core';

/** A node's current EBS data volume. A restore swaps `volumeId` for the new volume's. */
export const VolumeSchema = defineEntity({
  name: 'Volume',
  tableName: 'volumes',
  properties: (p) => ({
    id: p.bigint('bigint').primary().autoincrement(),
    nodeId: p.bigint('bigint'),
    volumeId: p.text().unique(),
    deviceName: p.text(),
    sizeGib: p.integer(),
    volumeType: p.text(),
    iops: p.integer().nullable(),
    throughput: p.integer().nullable(),
    encrypted: p.boolean(),
    kmsKeyId: p.text().nullable(),
  }),
});
export type Volume = InferEntity<typeof VolumeSchema>;
