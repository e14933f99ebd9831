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

export const FAST_POLL_MS = 2500;
export const SLOW_POLL_MS = 15000;
