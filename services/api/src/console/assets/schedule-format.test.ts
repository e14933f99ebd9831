import { describe, expect, it } from 'vitest';
import {
  bodyFromSchedule,
  enabledLabel,
  expiryText,
  formatRun,
  keepText,
  nodeLabel,
  nodeOptions,
  scheduleBody,
  timeZoneChoices,
} from './schedule-format.js';

describe('formatRun', () => {
  it('shows the instant in the given zone, with its weekday', () => {
    expect(formatRun('2025-01-15T04:30:00Z', 'en-GB', 'Asia/Tokyo')).toBe('Wed, 15 Jan 2025, 13:30');
    expect(formatRun('2025-01-15T04:30:00Z', 'en-GB', 'UTC')).toBe('Wed, 15 Jan 2025, 04:30');
    // Across Warsaw's spring-forward the offset changes from +1 to +2.
    expect(formatRun('2025-03-30T00:30:00Z', 'en-GB', 'Europe/Warsaw')).toMatch(/01:30$/);
    expect(formatRun('2025-03-30T01:30:00Z', 'en-GB', 'Europe/Warsaw')).toMatch(/03:30$/);
    expect(formatRun('soon')).toBe('soon');
  });
});

describe('labels', () => {
  it('say enabled, keep count, expiry and node in words', () => {
    expect(enabledLabel(true)).toBe('Enabled');
    expect(enabledLabel(false)).toBe('Disabled');
    expect(keepText(null)).toBe("Up to the plan's backup limit");
    expect(keepText(1)).toBe('Newest 1 scheduled backup');
    expect(keepText(7)).toBe('Newest 7 scheduled backups');
    expect(expiryText(null)).toBe('Never');
    expect(expiryText(1)).toBe('After 1 day');
    expect(expiryText(14)).toBe('After 14 days');
    const nodes = [{ id: '611298765432109777', name: 'node-a' }];
    expect(nodeLabel(null, nodes)).toBe('All nodes');
    expect(nodeLabel('611298765432109777', nodes)).toBe('node-a');
    expect(nodeLabel('5', nodes)).toBe('Node 5');
    expect(nodeLabel('constructor', [])).toBe('Node constructor');
  });
});

describe('nodeOptions', () => {
  const nodes = [
    { id: '1', name: 'node-a' },
    { id: '2', name: 'node-b' },
  ];

  it('offers all nodes, then each node', () => {
    expect(nodeOptions([], null)).toEqual([{ value: '', label: 'All nodes' }]);
    expect(nodeOptions(nodes, '2')).toEqual([
      { value: '', label: 'All nodes' },
      { value: '1', label: 'node-a' },
      { value: '2', label: 'node-b' },
    ]);
  });

  it("keeps a schedule's node that the list lacks", () => {
    expect(nodeOptions(nodes, '611298765432109777').at(-1)).toEqual({
      value: '611298765432109777',
      label: 'Node 611298765432109777',
    });
    expect(nodeOptions([], '9')).toEqual([
      { value: '', label: 'All nodes' },
      { value: '9', label: 'Node 9' },
    ]);
  });
});

describe('timeZoneChoices', () => {
  it('adds UTC, which the runtime list leaves out, once', () => {
    expect(timeZoneChoices(['Europe/Warsaw'])).toEqual(['UTC', 'Europe/Warsaw']);
    expect(timeZoneChoices(['UTC', 'Europe/Warsaw'])).toEqual(['UTC', 'Europe/Warsaw']);
  });
});

describe('scheduleBody', () => {
  const form = {
    cron: '0 3 * * *',
    timezone: ' Europe/Warsaw ',
    nodeId: '',
    keepCount: '',
    expiresInDays: '',
    enabled: true,
  };

  it('sends empty optional fields as null and the zone trimmed', () => {
    expect(scheduleBody(form)).toEqual({
      cron: '0 3 * * *',
      timezone: 'Europe/Warsaw',
      node_id: null,
      keep_count: null,
      expires_in_days: null,
      enabled: true,
    });
  });

  it('keeps node ids as exact text and numbers as typed, for the API to judge', () => {
    expect(
      scheduleBody({
        ...form,
        nodeId: '611298765432109777',
        keepCount: '7',
        expiresInDays: '1.5',
        enabled: false,
      }),
    ).toMatchObject({ node_id: '611298765432109777', keep_count: 7, expires_in_days: 1.5, enabled: false });
  });

  it('rebuilds a saved schedule with a change', () => {
    const saved = scheduleBody({ ...form, keepCount: '3' });
    expect(bodyFromSchedule({ ...saved, next_runs: [] } as typeof saved, { enabled: false })).toEqual({
      ...saved,
      enabled: false,
    });
  });
});
