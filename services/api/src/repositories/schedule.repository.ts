import type { EntityManager } from '@mikro-orm/postgresql';
import type { ScheduleView } from '../serialize/schedule.serializer.js';
import { pgDate } from './pg-values.js';

interface Row {
  deployment_id: string;
  cron: string;
  timezone: string;
  node_id: string | null;
  expires_in_days: number | null;
  keep_count: number | null;
  enabled: boolean;
  created_at: string;
  updated_at: string;
}

function toView(r: Row): ScheduleView {
  return {
    deploymentId: BigInt(r.deployment_id),
    cron: r.cron,
    timezone: r.timezone,
    nodeId: r.node_id === null ? null : BigInt(r.node_id),
    expiresInDays: r.expires_in_days,
    keepCount: r.keep_count,
    enabled: r.enabled,
    createdAt: pgDate(r.created_at),
    updatedAt: pgDate(r.updated_at),
  };
}

export async function getSchedule(em: EntityManager, deploymentId: bigint): Promise<ScheduleView | null> {
  const rows = await em.execute<Row[]>('select * from backup_schedules where deployment_id = ?', [
    deploymentId,
  ]);
  return rows[0] ? toView(rows[0]) : null;
}

export interface ScheduleInput {
  cron: string;
  timezone: string;
  nodeId: bigint | null;
  expiresInDays: number | null;
  keepCount: number | null;
  enabled: boolean;
}

export async function upsertSchedule(
  em: EntityManager,
  deploymentId: bigint,
  s: ScheduleInput,
): Promise<ScheduleView> {
  const rows = await em.execute<Row[]>(
    `insert into backup_schedules (deployment_id, cron, timezone, node_id, expires_in_days, keep_count, enabled)
     values (?, ?, ?, ?, ?, ?, ?)
     on conflict (deployment_id) do update set
       cron = excluded.cron, timezone = excluded.timezone, node_id = excluded.node_id,
       expires_in_days = excluded.expires_in_days, keep_count = excluded.keep_count,
       enabled = excluded.enabled, updated_at = now()
     returning *`,
    [deploymentId, s.cron, s.timezone, s.nodeId, s.expiresInDays, s.keepCount, s.enabled],
  );
  const row = rows[0];
  if (!row) throw new Error('upsert into backup_schedules returned no row');
  return toView(row);
}

export async function deleteSchedule(em: EntityManager, deploymentId: bigint): Promise<boolean> {
  const rows = await em.execute<unknown[]>(
    'delete from backup_schedules where deployment_id = ? returning deployment_id',
    [deploymentId],
  );
  return rows.length > 0;
}
