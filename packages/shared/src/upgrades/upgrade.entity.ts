import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { UPGRADE_STATUSES } from './upgrade-statuses.js';

export const UpgradeSchema = defineEntity({
  name: 'Upgrade',
  tableName: 'upgrades',
  properties: (p) => ({
    id: p.bigint('bigint').primary().autoincrement(),
    deploymentId: p.bigint('bigint'),
    targetVersion: p.text(),
    fromVersion: p.text(),
    status: p.enum([...UPGRADE_STATUSES]),
    /** The backup taken before the upgrade; null when the plan has no backups. */
    preUpgradeBackupId: p.bigint('bigint').nullable(),
    /** stop_nodes | start_nodes while in progress. */
    step: p.text().nullable(),
    error: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    startedAt: p.datetime().nullable(),
    completedAt: p.datetime().nullable(),
  }),
});
export type Upgrade = InferEntity<typeof UpgradeSchema>;
