import { describe, expect, it } from 'vitest';
import { checkCron, isValidTimezone, minInterval, nextRuns, offsetChanges } from './schedule-calc.js';

const iso = (d: Date) => d.toISOString().replace('.000Z', 'Z');

describe('checkCron', () => {
  it.each([
    ['0 3 * * *', true],
    ['*/15 * * * *', true],
    ['0 2 * * 1-5', true],
    ['0 0 1 * *', true],
    ['0 3 * *', false],
    ['0 0 3 * * *', false], // six fields (seconds) are refused
    ['61 * * * *', false],
    ['0 25 * * *', false],
    ['not a cron', false],
    ['', false],
  ])('%s → %s', (cron, ok) => {
    expect(checkCron(cron).ok).toBe(ok);
  });
});

describe('isValidTimezone', () => {
  it.each([
    ['UTC', true],
    ['Europe/Warsaw', true],
    ['America/New_York', true],
    ['Australia/Lord_Howe', true],
    ['Mars/Olympus', false],
    ['', false],
    ['Europe/Warsaw; drop table', false],
  ])('%s → %s', (tz, ok) => {
    expect(isValidTimezone(tz)).toBe(ok);
  });
});

// Table-driven DST cases: what a daily or hourly schedule does across the
// spring-forward gap and the autumn overlap, checked against wall-clock time.
describe('nextRuns across DST transitions', () => {
  it.each([
    {
      name: 'daily 03:00 Warsaw, before and after spring forward (CET → CEST)',
      cron: '0 3 * * *',
      tz: 'Europe/Warsaw',
      from: '2026-03-27T12:00:00Z',
      expected: ['2026-03-28T02:00:00Z', '2026-03-29T01:00:00Z', '2026-03-30T01:00:00Z'],
    },
    {
      name: 'daily 02:30 New York on the spring-forward day (02:30 does not exist)',
      cron: '30 2 * * *',
      tz: 'America/New_York',
      from: '2026-03-07T12:00:00Z',
      // 2026-03-08 02:30 local is skipped by the clock change; the run is
      // either moved into the gap's end or skipped, never doubled.
      check: (runs: Date[]) => {
        const days = runs.map((r) => r.toISOString().slice(0, 10));
        expect(new Set(days).size).toBe(days.length);
      },
    },
    {
      name: 'daily 01:30 New York on the fall-back day fires once, not twice',
      cron: '30 1 * * *',
      tz: 'America/New_York',
      from: '2026-10-31T12:00:00Z',
      check: (runs: Date[]) => {
        const nov1 = runs.filter((r) => r.toISOString().startsWith('2026-11-01'));
        expect(nov1.length).toBeLessThanOrEqual(1);
        expect(runs.map(iso)).toContain('2026-11-02T06:30:00Z');
      },
    },
    {
      name: 'hourly UTC is unaffected by anyone’s DST',
      cron: '0 * * * *',
      tz: 'UTC',
      from: '2026-03-29T00:30:00Z',
      expected: ['2026-03-29T01:00:00Z', '2026-03-29T02:00:00Z', '2026-03-29T03:00:00Z'],
    },
    {
      name: 'daily 00:00 Sydney across the April fall-back (AEDT → AEST)',
      cron: '0 0 * * *',
      tz: 'Australia/Sydney',
      from: '2026-04-03T00:00:00Z',
      expected: ['2026-04-03T13:00:00Z', '2026-04-04T13:00:00Z', '2026-04-05T14:00:00Z'],
    },
  ])('$name', ({ cron, tz, from, expected, check }) => {
    const runs = nextRuns(cron, tz, new Date(from), 3);
    expect(runs).toHaveLength(3);
    if (expected) expect(runs.map(iso)).toEqual(expected);
    check?.(runs);
  });
});

describe('minInterval', () => {
  it('measures the tightest spacing of a schedule', () => {
    expect(minInterval('*/15 * * * *', 'UTC', new Date('2026-01-01T00:00:00Z'))).toBe(15 * 60_000);
    expect(minInterval('0 3 * * *', 'UTC', new Date('2026-01-01T00:00:00Z'))).toBe(24 * 3600_000);
  });

  // 01:05, 01:55, 03:05, 03:55 local: 50 minutes apart at best, except on the
  // spring-forward night, when 01:55 CET (00:55Z) is followed by 03:05 CEST (01:05Z).
  const cron = '5,55 1,3 * * *';
  const january = new Date('2027-01-10T00:00:00Z');

  it('finds the gap a DST change makes, months ahead of it', () => {
    expect(minInterval(cron, 'UTC', january)).toBe(50 * 60_000);
    expect(minInterval(cron, 'Europe/Warsaw', january)).toBe(10 * 60_000);
  });

  it('keeps a fall-back night as spaced as the cron reads (cron-parser fires each wall time once)', () => {
    expect(minInterval('0,50 1 * * *', 'America/New_York', new Date('2026-06-01T00:00:00Z'))).toBe(
      50 * 60_000,
    );
  });

  it('sees every offset change of the coming year, and none in UTC', () => {
    const changes = offsetChanges('Europe/Warsaw', january, 366);
    // Spring (28 March 2027, 01:00Z) and autumn (31 October 2027, 01:00Z): each lies within the
    // day before the instant found.
    const expected = [Date.parse('2027-03-28T01:00:00Z'), Date.parse('2027-10-31T01:00:00Z')];
    expect(changes.map((at, i) => at.getTime() - (expected[i] ?? 0))).toEqual([
      expect.toSatisfy((d: number) => d > 0 && d <= 24 * 3600_000),
      expect.toSatisfy((d: number) => d > 0 && d <= 24 * 3600_000),
    ]);
    expect(offsetChanges('UTC', january, 366)).toEqual([]);
  });
});
