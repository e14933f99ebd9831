import { defineEntity, type InferEntity } from '@mikro-orm/core';

export const NodeSchema = defineEntity({
  name: 'Node',
  tableName: 'nodes',
  properties: (p) => ({
    id: p.bigint('bigint').primary().autoincrement(),
    deploymentId: p.bigint('bigint'),
    name: p.text(),
    instanceId: p.text().unique(),
    availabilityZone: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
  }),
});
export type Node = InferEntity<typeof NodeSchema>;
