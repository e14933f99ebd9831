import { formatTime, restoreDuration, restoreOutcome, statusLabel } from './format.js';
import { renderKeyedRows, setText } from './keyed-rows.js';

// The Restores section's rows. Everything is written with textContent.

function createRow() {
  const row = document.createElement('tr');
  // Focusable, so starting a restore can move the reader to its row.
  row.tabIndex = -1;
  for (const className of ['status', 'backup', 'started', 'ended', 'duration', 'outcome']) {
    const td = document.createElement('td');
    td.className = className;
    row.append(td);
  }
  row.firstChild.append(document.createElement('span'));
  return row;
}

function updateRow(row, restore, state, locale) {
  const [status, backup, started, ended, duration, outcome] = row.children;
  const badge = status.firstChild;
  badge.className = `badge badge-${restore.status}`;
  setText(badge, statusLabel(restore.status));
  setText(backup, state.backupName(restore.backup_id));
  setText(started, formatTime(restore.started_at ?? restore.created_at, locale));
  setText(ended, formatTime(restore.completed_at, locale));
  setText(duration, restoreDuration(restore, state.now));
  setText(outcome, restoreOutcome(restore));
}

/**
 * Makes tbody show `restores` (newest first). `state`: { backupName(id) → text, now: ms }.
 */
export function renderRestores(tbody, restores, state, locale) {
  renderKeyedRows(tbody, restores, 'restoreId', createRow, (row, restore) =>
    updateRow(row, restore, state, locale),
  );
}
