import type { JobQueues } from '@backups/shared/jobs';
import type { ChaosDb } from './db.js';

// Redis's mirror of the schedules, after the wipe and the scheduler's kills:
// one job scheduler per enabled schedule in Postgres, with its cron and time
// zone, and none for a deployment without one. The id format is the
// scheduler's (services/scheduler/src/schedules/schedule-jobs.ts).

const SCHEDULE_JOB_PREFIX = 'backup-schedule-';

export async function checkScheduleMirror(db: ChaosDb, queues: JobQueues): Promise<string[]> {
  const wanted = new Map(
    (
      await db.rows<{ id: string; cron: string; timezone: string }>(
        'select deployment_id::text as id, cron, timezone from backup_schedules where enabled',
      )
    ).map((s) => [`${SCHEDULE_JOB_PREFIX}${s.id}`, s]),
  );
  const mirrored = (await queues.queue('maintenance').getJobSchedulers(0, -1, true)).filter((s) =>
    s.key.startsWith(SCHEDULE_JOB_PREFIX),
  );
  const problems: string[] = [];
  for (const s of mirrored) {
    const schedule = wanted.get(s.key);
    if (!schedule) problems.push(`Redis fires ${s.key}, which has no enabled schedule`);
    else if (s.pattern !== schedule.cron || s.tz !== schedule.timezone)
      problems.push(
        `${s.key} fires "${s.pattern}" ${s.tz}, Postgres says "${schedule.cron}" ${schedule.timezone}`,
      );
  }
  for (const key of wanted.keys())
    if (!mirrored.some((s) => s.key === key)) problems.push(`${key} is enabled in Postgres but not in Redis`);
  return problems;
}
