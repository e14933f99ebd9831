import { JOB_CATALOGUE } from '@backups/shared/jobs';
import { listEnabledSchedules } from '@backups/shared/schedules';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Queue } from 'bullmq';
import { SCHEDULE_JOB_PREFIX, scheduleJobId, upsertScheduleJob } from './schedule-jobs.js';

/**
 * A tick's retry settings, compared so that schedulers upserted with older
 * ones (five attempts, which a Postgres outage outlasted) are brought up to date.
 */
function retriesOf(opts: { attempts?: number; backoff?: unknown } | undefined): string {
  return JSON.stringify([opts?.attempts ?? null, opts?.backoff ?? null]);
}

/**
 * Makes Redis's schedulers match Postgres: upserts the enabled schedules that
 * are missing or differ (cron, zone or retry settings), removes schedulers whose schedule is gone or disabled.
 * Unchanged schedulers are left alone, so a periodic sync costs one read.
 */
export async function syncSchedules(
  em: EntityManager,
  queue: Queue,
): Promise<{ upserted: number; removed: number }> {
  const schedules = await listEnabledSchedules(em);
  const wanted = new Map(schedules.map((s) => [scheduleJobId(s.deploymentId), s]));

  const existing = new Map<string, { pattern?: string | null; tz?: string | null; retries?: string }>();
  const pageSize = 1000;
  for (let start = 0; ; start += pageSize) {
    const page = await queue.getJobSchedulers(start, start + pageSize - 1, true);
    for (const s of page)
      if (s.key.startsWith(SCHEDULE_JOB_PREFIX))
        existing.set(s.key, { pattern: s.pattern, tz: s.tz, retries: retriesOf(s.template?.opts) });
    if (page.length < pageSize) break;
  }

  let upserted = 0;
  let removed = 0;
  for (const [id, schedule] of wanted) {
    const current = existing.get(id);
    if (
      current &&
      current.pattern === schedule.cron &&
      current.tz === schedule.timezone &&
      current.retries === retriesOf(JOB_CATALOGUE['schedule.fire'].options)
    )
      continue;
    await upsertScheduleJob(queue, schedule);
    upserted++;
  }
  for (const id of existing.keys()) {
    if (wanted.has(id)) continue;
    await queue.removeJobScheduler(id);
    removed++;
  }
  return { upserted, removed };
}
