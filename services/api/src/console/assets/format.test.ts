import { describe, expect, it } from 'vitest';
import { canDelete, canRestore, formatSize, formatTime, isBusy, statusLabel, typeLabel } from './format.js';

describe('formatSize', () => {
  it.each([
    [53687091200, '50 GiB'],
    ['53687091200', '50 GiB'],
    [1536, '1.5 KiB'],
    [0, '0 bytes'],
    [1, '1 byte'],
    [1099511627776 * 2.25, '2.3 TiB'],
    [150 * 1024 ** 3, '150 GiB'],
    [null, '—'],
    [-5, '—'],
  ])('%s → %s', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });
});

describe('formatTime', () => {
  it('formats in the given locale and keeps unparseable text as is', () => {
    expect(formatTime('2025-01-15T10:30:00Z', 'en-US')).toMatch(/Jan 15, 2025/);
    expect(formatTime(null)).toBe('—');
    expect(formatTime('soon')).toBe('soon');
  });
});

describe('row actions', () => {
  it('delete is disabled while pending, in progress, deleting or being restored', () => {
    for (const status of ['pending', 'in_progress', 'deleting']) {
      expect(canDelete({ id: '1', status }, null)).toBe(false);
    }
    expect(canDelete({ id: '1', status: 'completed' }, null)).toBe(true);
    expect(canDelete({ id: '1', status: 'failed' }, null)).toBe(true);
    expect(canDelete({ id: '1', status: 'completed' }, '1')).toBe(false);
  });

  it('restore only for completed backups and while no restore runs', () => {
    expect(canRestore({ id: '1', status: 'completed' }, false)).toBe(true);
    expect(canRestore({ id: '1', status: 'completed' }, true)).toBe(false);
    expect(canRestore({ id: '1', status: 'failed' }, false)).toBe(false);
  });

  it('polls fast while anything moves', () => {
    expect(isBusy([{ id: '1', status: 'completed' }], [{ status: 'completed' }])).toBe(false);
    expect(isBusy([{ id: '1', status: 'deleting' }], [])).toBe(true);
    expect(isBusy([], [{ status: 'in_progress' }])).toBe(true);
  });
});

describe('statusLabel and typeLabel', () => {
  it('label known values and show unknown ones, inherited names included, as themselves', () => {
    expect(statusLabel('in_progress')).toBe('In Progress');
    expect(typeLabel('pre_upgrade')).toBe('Pre-upgrade');
    for (const name of ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'restoring']) {
      expect(statusLabel(name)).toBe(name);
      expect(typeLabel(name)).toBe(name);
    }
  });
});
