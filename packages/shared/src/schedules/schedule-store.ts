import type { EntityManager } from '@mikro-orm/postgresql';
import { type BackupSchedule, BackupScheduleSchema } from './backup-schedule.entity.js';

// The backup_schedules table: one row per deployment that has a schedule.
// Postgres holds the schedules; the scheduler mirrors them to BullMQ.

export interface ScheduleInput {
  cron: string;
  timezone: string;
  nodeId: bigint | null;
  expiresInDays: number | null;
  keepCount: number | null;
  enabled: boolean;
}

export function getSchedule(em: EntityManager, deploymentId: bigint): Promise<BackupSchedule | null> {
  return em.findOne(BackupScheduleSchema, { deploymentId }, { disableIdentityMap: true });
}

export function listEnabledSchedules(em: EntityManager): Promise<BackupSchedule[]> {
  return em.find(BackupScheduleSchema, { enabled: true }, { disableIdentityMap: true });
}

/**
 * Creates or replaces a deployment's schedule. The caller holds the
 * deployment's row lock, so the read-then-write cannot race another save.
 */
export async function saveSchedule(
  em: EntityManager,
  deploymentId: bigint,
  input: ScheduleInput,
): Promise<BackupSchedule> {
  const now = new Date();
  const existing = await em.findOne(BackupScheduleSchema, { deploymentId });
  // updated_at moves on every save, changed or not, as a PUT is a write.
  const schedule = existing
    ? em.assign(existing, { ...input, updatedAt: now })
    : em.create(BackupScheduleSchema, { deploymentId, ...input, createdAt: now, updatedAt: now });
  await em.flush();
  return schedule;
}

/** True when there was a schedule to delete. */
export async function deleteSchedule(em: EntityManager, deploymentId: bigint): Promise<boolean> {
  return (await em.nativeDelete(BackupScheduleSchema, { deploymentId })) > 0;
}
