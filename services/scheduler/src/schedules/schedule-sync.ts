import { SCHEDULE_JOB_PREFIX, scheduleJobId, upsertScheduleJob } from '@backups/shared/schedules';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Queue } from 'bullmq';

interface ScheduleRow {
  deployment_id: string;
  cron: string;
  timezone: string;
}

/**
 * Makes Redis's schedulers match Postgres: upserts the enabled schedules that
 * are missing or differ, removes schedulers whose schedule is gone or disabled.
 * Unchanged schedulers are left alone, so a periodic sync costs one read.
 */
export async function syncSchedules(
  em: EntityManager,
  queue: Queue,
): Promise<{ upserted: number; removed: number }> {
  const rows = await em
    .getConnection()
    .execute<ScheduleRow[]>(
      'select deployment_id::text as deployment_id, cron, timezone from backup_schedules where enabled',
    );
  const wanted = new Map(rows.map((r) => [scheduleJobId(r.deployment_id), r]));

  const existing = new Map<string, { pattern?: string | null; tz?: string | null }>();
  const pageSize = 1000;
  for (let start = 0; ; start += pageSize) {
    const page = await queue.getJobSchedulers(start, start + pageSize - 1, true);
    for (const s of page)
      if (s.key.startsWith(SCHEDULE_JOB_PREFIX)) existing.set(s.key, { pattern: s.pattern, tz: s.tz });
    if (page.length < pageSize) break;
  }

  let upserted = 0;
  let removed = 0;
  for (const [id, row] of wanted) {
    const current = existing.get(id);
    if (current && current.pattern === row.cron && current.tz === row.timezone) continue;
    await upsertScheduleJob(queue, {
      deploymentId: row.deployment_id,
      cron: row.cron,
      timezone: row.timezone,
      enabled: true,
    });
    upserted++;
  }
  for (const id of existing.keys()) {
    if (wanted.has(id)) continue;
    await queue.removeJobScheduler(id);
    removed++;
  }
  return { upserted, removed };
}
