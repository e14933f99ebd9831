import { defineEntity, type InferEntity } from '@mikro-orm/core';

export const BackupScheduleSchema = defineEntity({
  name: 'BackupSchedule',
  tableName: 'backup_schedules',
  properties: (p) => ({
    deploymentId: p.bigint('bigint').primary(),
    cron: p.text(),
    /** IANA zone name, e.g. Europe/Warsaw. */
    timezone: p.text(),
    nodeId: p.bigint('bigint').nullable(),
    expiresInDays: p.integer().nullable(),
    keepCount: p.integer().nullable(),
    enabled: p.boolean(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  }),
});
export type BackupSchedule = InferEntity<typeof BackupScheduleSchema>;
