import { CronExpressionParser } from 'cron-parser';

// Cron and timezone rules for backup schedules. BullMQ's job schedulers fire
// with cron-parser too (the same version is pinned), so what we validate and
// preview here is what will fire, DST gaps and overlaps included.

export type CronCheck = { ok: true } | { ok: false; message: string };

/** Five-field cron (minute hour day-of-month month day-of-week); seconds are refused. */
export function checkCron(cron: string): CronCheck {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) {
    return { ok: false, message: 'must have five fields: minute hour day-of-month month day-of-week' };
  }
  try {
    CronExpressionParser.parse(cron, { strict: false });
    return { ok: true };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

/** True for IANA zone names the runtime knows (e.g. Europe/Warsaw, UTC). */
export function isValidTimezone(tz: string): boolean {
  if (!tz || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The next `count` firing instants after `from`, in UTC. */
export function nextRuns(cron: string, timezone: string, from: Date, count: number): Date[] {
  const expr = CronExpressionParser.parse(cron, { tz: timezone, currentDate: from });
  const runs: Date[] = [];
  for (let i = 0; i < count && expr.hasNext(); i++) runs.push(expr.next().toDate());
  return runs;
}

/** The shortest gap between consecutive runs over the next `sample` runs, in ms. */
export function minInterval(cron: string, timezone: string, from: Date, sample = 50): number {
  const runs = nextRuns(cron, timezone, from, sample);
  let min = Number.POSITIVE_INFINITY;
  for (let i = 1; i < runs.length; i++) {
    const prev = runs[i - 1];
    const cur = runs[i];
    if (prev && cur) min = Math.min(min, cur.getTime() - prev.getTime());
  }
  return min;
}
