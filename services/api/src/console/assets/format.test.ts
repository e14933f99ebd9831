import { describe, expect, it } from 'vitest';
import {
  canDelete,
  canRestore,
  filterByType,
  formatElapsed,
  formatSize,
  formatTime,
  isBusy,
  progressValue,
  restoreDuration,
  restoreOutcome,
  splitRemarks,
  statusLabel,
  stepLabel,
  typeLabel,
} from './format.js';

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

describe('running backups', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');
  it.each([
    ['2026-01-01T11:59:15Z', '45 s'],
    ['2026-01-01T11:56:55Z', '3 min 05 s'],
    ['2026-01-01T09:53:00Z', '2 h 07 min'],
    ['2026-01-01T12:00:05Z', '0 s'],
    [null, ''],
    ['not a time', ''],
  ])('elapsed since %s is "%s"', (from, text) => {
    expect(formatElapsed(from, now)).toBe(text);
  });

  it('progress is a whole 0–100, or null before any snapshot has started', () => {
    expect(progressValue({ progress: 42.6 })).toBe(43);
    expect(progressValue({ progress: 140 })).toBe(100);
    expect(progressValue({ progress: null })).toBeNull();
    expect(progressValue({})).toBeNull();
  });

  it('a failed backup shows its reason apart from the tenant remarks', () => {
    expect(splitRemarks({ status: 'failed', remarks: 'Failed: snapshot error | nightly' })).toEqual({
      reason: 'snapshot error',
      remarks: 'nightly',
    });
    expect(splitRemarks({ status: 'failed', remarks: 'Failed: quota exceeded' })).toEqual({
      reason: 'quota exceeded',
      remarks: '',
    });
    // Only a failed backup's remarks carry a reason; a tenant may write "Failed: " too.
    expect(splitRemarks({ status: 'completed', remarks: 'Failed: not really' })).toEqual({
      reason: null,
      remarks: 'Failed: not really',
    });
    expect(splitRemarks({ status: 'pending', remarks: null })).toEqual({ reason: null, remarks: '' });
  });
});

describe('restores', () => {
  it('names each step, numbering the forward ones', () => {
    expect(stepLabel('stop_nodes')).toBe('Stopping the nodes (step 3 of 7)');
    expect(stepLabel('rollback_attach')).toBe('Rolling back: reattaching the original volumes');
    expect(stepLabel('constructor')).toBe('constructor');
    expect(stepLabel(null)).toBe('');
  });

  it('says how a restore ended and whether the deployment changed', () => {
    expect(restoreOutcome({ status: 'completed', new_volume_ids: ['vol-1', 'vol-2'] })).toBe(
      'Restored: 2 volumes replaced.',
    );
    expect(restoreOutcome({ status: 'rolled_back', error: 'attach timed out' })).toMatch(
      /^Rolled back: the original volumes are back in place\. Reason: attach timed out$/,
    );
    expect(restoreOutcome({ status: 'failed', error: null })).toMatch(
      /unchanged\. Reason: no reason recorded$/,
    );
    // A rollback step that could not put a volume back says so; the outcome must not claim otherwise.
    expect(
      restoreOutcome({
        status: 'rolled_back',
        error: 'attach timed out Rollback rollback_attach vol-1: gone; operator attention needed.',
      }),
    ).toMatch(
      /^Rolled back only in part: an original volume could not be put back; contact support\. Reason: attach/,
    );
    expect(restoreOutcome({ status: 'in_progress', step: 'attach' })).toBe(
      'Attaching the restored volumes (step 5 of 7)',
    );
  });

  it('times a running restore until now and an ended one until it ended', () => {
    const started = '2026-01-01T12:00:00Z';
    const now = Date.parse('2026-01-01T12:02:30Z');
    expect(restoreDuration({ status: 'in_progress', started_at: started }, now)).toBe('2 min 30 s');
    expect(
      restoreDuration(
        { status: 'completed', started_at: started, completed_at: '2026-01-01T12:00:40Z' },
        now,
      ),
    ).toBe('40 s');
    expect(restoreDuration({ status: 'pending', started_at: null }, now)).toBe('');
  });
});

describe('type filter', () => {
  const backups = [
    { id: '1', backup_type: 'manual' },
    { id: '2', backup_type: 'scheduled' },
  ];
  it('keeps one type, or all for the empty choice', () => {
    expect(filterByType(backups, 'scheduled').map((b) => b.id)).toEqual(['2']);
    expect(filterByType(backups, '')).toHaveLength(2);
  });
});
