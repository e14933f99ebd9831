import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { OPERATION_KINDS, OPERATION_STATUSES } from './operation-statuses.js';

/**
 * The per-deployment ordered log of serialised work (backup, restore, upgrade).
 * The lowest unfinished id of a deployment is the only one allowed to run; the
 * lease (owner, expiry, fence) says which worker runs it. Every write a worker
 * makes on behalf of an operation is conditioned on the fence it was given, so
 * a worker that froze and came back after its lease passed to another cannot
 * act. Postgres is the truth; Redis jobs are only signals to look here.
 */
export const OperationSchema = defineEntity({
  name: 'Operation',
  tableName: 'operations',
  properties: (p) => ({
    id: p.bigint('bigint').primary().autoincrement(),
    deploymentId: p.bigint('bigint'),
    kind: p.enum([...OPERATION_KINDS]),
    backupId: p.bigint('bigint').nullable(),
    restoreId: p.bigint('bigint').nullable(),
    upgradeId: p.bigint('bigint').nullable(),
    status: p.enum([...OPERATION_STATUSES]),
    leaseOwner: p.text().nullable(),
    leaseExpiresAt: p.datetime().nullable(),
    fence: p.bigint('bigint'),
    attempts: p.integer(),
    error: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    startedAt: p.datetime().nullable(),
    finishedAt: p.datetime().nullable(),
  }),
});
export type Operation = InferEntity<typeof OperationSchema>;
