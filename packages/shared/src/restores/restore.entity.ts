import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { RESTORE_STATUSES } from './restore-statuses.js';

export const RestoreSchema = defineEntity({
  name: 'Restore',
  tableName: 'restores',
  properties: (p) => ({
    id: p.bigint('bigint').primary().autoincrement(),
    deploymentId: p.bigint('bigint'),
    backupId: p.bigint('bigint'),
    status: p.enum([...RESTORE_STATUSES]),
    /** The step reached (`create_volumes`, `stop_nodes`, … `rollback_cleanup`: the worker's restore steps), for operators and resumption. */
    step: p.text().nullable(),
    error: p.text().nullable(),
    replacedVolumeIds: p.array(),
    newVolumeIds: p.array(),
    createdAt: p.datetime().onCreate(() => new Date()),
    startedAt: p.datetime().nullable(),
    completedAt: p.datetime().nullable(),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  }),
});
export type Restore = InferEntity<typeof RestoreSchema>;
