// Pure formatting for the Backups tab; no DOM, so it is unit-tested in Node.

const UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 53687091200 → "50 GiB"; null → "—". Accepts a number or a decimal string. */
export function formatSize(sizeBytes) {
  if (sizeBytes === null || sizeBytes === undefined) return '—';
  let value = Number(sizeBytes);
  if (!Number.isFinite(value) || value < 0) return '—';
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 || Number.isInteger(value) ? 0 : 1;
  const text = value.toFixed(digits).replace(/\.0$/, '');
  return unit === 0 && value === 1 ? '1 byte' : `${text} ${UNITS[unit]}`;
}

/** An RFC 3339 timestamp in the user's locale and time zone; null → "—". */
export function formatTime(iso, locale) {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

export const STATUS_LABELS = {
  pending: 'Pending',
  in_progress: 'In Progress',
  completed: 'Completed',
  failed: 'Failed',
  deleting: 'Deleting',
  deleted: 'Deleted',
  rolled_back: 'Rolled Back',
};

export const TYPE_LABELS = { manual: 'Manual', scheduled: 'Scheduled', pre_upgrade: 'Pre-upgrade' };

// Own properties only: an unknown value such as "constructor" is shown as
// itself, never as what a plain object inherits.
const label = (labels, value) => (Object.hasOwn(labels, value) ? labels[value] : String(value));

export function statusLabel(status) {
  return label(STATUS_LABELS, status);
}

export function typeLabel(type) {
  return label(TYPE_LABELS, type);
}

/** Backups pending or in progress cannot be deleted; one being deleted is gone already. */
export function canDelete(backup, restoringBackupId) {
  if (['pending', 'in_progress', 'deleting'].includes(backup.status)) return false;
  return backup.id !== restoringBackupId;
}

export function canRestore(backup, restoreActive) {
  return backup.status === 'completed' && !restoreActive;
}

export function isActiveRestore(restore) {
  return restore.status === 'pending' || restore.status === 'in_progress';
}

/** Whether the page should poll fast: something is moving. */
export function isBusy(backups, restores) {
  return (
    backups.some((b) => ['pending', 'in_progress', 'deleting'].includes(b.status)) ||
    restores.some(isActiveRestore)
  );
}

/** Elapsed time between two instants, coarse enough to read at a glance: "45 s", "3 min 05 s", "2 h 07 min". */
export function formatElapsed(fromIso, nowMs) {
  const from = Date.parse(fromIso ?? '');
  if (Number.isNaN(from)) return '';
  const seconds = Math.max(0, Math.floor((nowMs - from) / 1000));
  const pad = (n) => String(n).padStart(2, '0');
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${pad(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${pad(minutes % 60)} min`;
}

/** Whether the backup is still being taken (waiting or snapshotting). */
export function isRunning(backup) {
  return backup.status === 'pending' || backup.status === 'in_progress';
}

/** 0–100 for a running backup whose snapshots have started; null while none has (the bar is then indeterminate). */
export function progressValue(backup) {
  const p = backup.progress;
  return typeof p === 'number' && Number.isFinite(p) ? Math.min(100, Math.max(0, Math.round(p))) : null;
}

const FAILED_PREFIX = 'Failed: ';

/**
 * The API shows a failed backup's reason at the head of its remarks
 * ("Failed: <reason> | <tenant's remarks>"); the page shows the two apart.
 */
export function splitRemarks(backup) {
  const remarks = backup.remarks ?? '';
  if (backup.status !== 'failed' || !remarks.startsWith(FAILED_PREFIX)) return { reason: null, remarks };
  const rest = remarks.slice(FAILED_PREFIX.length);
  const bar = rest.indexOf(' | ');
  return bar === -1
    ? { reason: rest, remarks: '' }
    : { reason: rest.slice(0, bar), remarks: rest.slice(bar + 3) };
}

// The worker's restore steps, in order (forward, then the rollback path).
export const RESTORE_STEPS = {
  plan: 'Planning',
  create_volumes: 'Creating volumes from the snapshots',
  stop_nodes: 'Stopping the nodes',
  detach: 'Detaching the current volumes',
  attach: 'Attaching the restored volumes',
  start_nodes: 'Starting the nodes',
  finalize: 'Finishing',
  abort: 'Cleaning up after a failure',
  rollback_detach: 'Rolling back: detaching the restored volumes',
  rollback_attach: 'Rolling back: reattaching the original volumes',
  rollback_start: 'Rolling back: starting the nodes',
  rollback_cleanup: 'Rolling back: deleting the restored volumes',
};
const FORWARD_STEP_COUNT = 7;

export function stepLabel(step) {
  if (!step) return '';
  const text = label(RESTORE_STEPS, step);
  const index = Object.keys(RESTORE_STEPS).indexOf(step);
  return index >= 0 && index < FORWARD_STEP_COUNT
    ? `${text} (step ${index + 1} of ${FORWARD_STEP_COUNT})`
    : text;
}

/** What became of a restore, in words: where it is, or how it ended and whether the deployment changed. */
export function restoreOutcome(restore) {
  const reason = restore.error ?? 'no reason recorded';
  switch (restore.status) {
    case 'pending':
      return 'Queued; the deployment stops briefly once it starts.';
    case 'in_progress':
      return stepLabel(restore.step) || 'Starting';
    case 'completed': {
      const count = restore.new_volume_ids?.length ?? 0;
      return `Restored: ${count} volume${count === 1 ? '' : 's'} replaced.`;
    }
    case 'rolled_back':
      // A rollback step that could not do its part says so in the error (the worker goes on).
      return /operator attention needed/i.test(reason)
        ? `Rolled back only in part: an original volume could not be put back; contact support. Reason: ${reason}`
        : `Rolled back: the original volumes are back in place. Reason: ${reason}`;
    case 'failed':
      return `Failed before any volume was swapped; the deployment is unchanged. Reason: ${reason}`;
    default:
      return reason;
  }
}

/** The restore's time on the clock: elapsed while it runs, the duration once it has ended. */
export function restoreDuration(restore, nowMs) {
  if (!restore.started_at) return '';
  if (isActiveRestore(restore)) return formatElapsed(restore.started_at, nowMs);
  const end = Date.parse(restore.completed_at ?? '');
  return Number.isNaN(end) ? '' : formatElapsed(restore.started_at, end);
}

/** Backups of one type only, or all of them for `''`. */
export function filterByType(backups, type) {
  return type ? backups.filter((b) => b.backup_type === type) : backups;
}

/** Polls this often while something moves, so progress and steps show as they happen… */
export const FAST_POLL_MS = 2000;
/** …and this often when nothing does (a tab left open idle costs two requests per interval). */
export const SLOW_POLL_MS = 30000;
