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

const DAY_MS = 24 * 3600_000;
/** More runs than any schedule allowed by a 15-minute floor makes in the windows we look at. */
const WINDOW_RUN_CAP = 2_000;

/**
 * The shortest gap between consecutive runs, in ms, as the schedule fires in
 * its own time zone: over the next `sample` runs, and across each change of
 * the zone's UTC offset (DST) in the coming year. A wall-clock schedule can
 * fire closer together on those nights than its cron reads: `5,55 1,3 * * *`
 * in Europe/Warsaw is 50 minutes apart at best on any other day, but on the
 * spring-forward night 01:55 CET is followed by 03:05 CEST, 10 minutes later.
 */
export function minInterval(cron: string, timezone: string, from: Date, sample = 50): number {
  let min = shortestGap(nextRuns(cron, timezone, from, sample));
  for (const change of offsetChanges(timezone, from, 366)) {
    // Two days either side: every run next to the change, whichever day it falls on.
    const start = new Date(change.getTime() - 2 * DAY_MS);
    const end = new Date(change.getTime() + 2 * DAY_MS);
    min = Math.min(min, shortestGap(runsBetween(cron, timezone, start, end)));
  }
  return min;
}

function shortestGap(runs: Date[]): number {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 1; i < runs.length; i++) {
    const prev = runs[i - 1];
    const cur = runs[i];
    if (prev && cur) min = Math.min(min, cur.getTime() - prev.getTime());
  }
  return min;
}

function runsBetween(cron: string, timezone: string, start: Date, end: Date): Date[] {
  const expr = CronExpressionParser.parse(cron, { tz: timezone, currentDate: start, endDate: end });
  const runs: Date[] = [];
  while (runs.length < WINDOW_RUN_CAP && expr.hasNext()) runs.push(expr.next().toDate());
  return runs;
}

/**
 * Roughly when the zone's UTC offset changes within `days` of `from`: the
 * first day-step at which the offset differs from the step before (a change
 * lies within the day before the returned instant).
 */
export function offsetChanges(timezone: string, from: Date, days: number): Date[] {
  const format = new Intl.DateTimeFormat('en-US', { timeZone: timezone, timeZoneName: 'longOffset' });
  const offsetAt = (at: number) => format.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value;
  const changes: Date[] = [];
  let previous = offsetAt(from.getTime());
  for (let day = 1; day <= days; day++) {
    const at = from.getTime() + day * DAY_MS;
    const offset = offsetAt(at);
    if (offset !== previous) changes.push(new Date(at));
    previous = offset;
  }
  return changes;
}
