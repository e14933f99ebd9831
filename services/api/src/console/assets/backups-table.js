import { canDelete, canRestore, formatSize, formatTime, statusLabel, typeLabel } from './format.js';

// Rows are keyed by backup id and updated in place, so a refresh never steals
// keyboard focus from a row's button. Everything is written with textContent.

function cell(row, className) {
  const td = document.createElement('td');
  if (className) td.className = className;
  row.append(td);
  return td;
}

function actionButton(label, className, action) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = className;
  button.textContent = label;
  button.dataset.action = action;
  return button;
}

function createRow(id) {
  const row = document.createElement('tr');
  row.dataset.backupId = id;
  const name = cell(row, 'name');
  name.append(document.createElement('strong'), document.createElement('span'));
  name.lastChild.className = 'remarks';
  cell(row, 'type');
  const status = cell(row, 'status');
  status.append(document.createElement('span'));
  cell(row, 'size num');
  cell(row, 'created');
  cell(row, 'expires');
  const actions = cell(row, 'row-actions');
  actions.append(actionButton('Restore', '', 'restore'), actionButton('Delete', 'danger', 'delete'));
  return row;
}

function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

function updateRow(row, backup, state, locale) {
  const [name, type, status, size, created, expires, actions] = row.children;
  setText(name.firstChild, backup.name);
  setText(name.lastChild, backup.remarks ?? '');
  setText(type, typeLabel(backup.backup_type));
  const badge = status.firstChild;
  badge.className = `badge badge-${backup.status}`;
  setText(badge, statusLabel(backup.status));
  setText(size, formatSize(backup.size_bytes));
  setText(created, formatTime(backup.created_at, locale));
  created.title = backup.created_at;
  setText(expires, backup.expires_at ? formatTime(backup.expires_at, locale) : 'Never');
  const [restore, remove] = actions.children;
  restore.disabled = !canRestore(backup, state.restoreActive);
  restore.setAttribute('aria-label', `Restore ${backup.name}`);
  restore.title = restore.disabled
    ? state.restoreActive
      ? 'A restore is already running.'
      : 'Only completed backups can be restored.'
    : '';
  remove.disabled = !canDelete(backup, state.restoringBackupId);
  remove.setAttribute('aria-label', `Delete ${backup.name}`);
  remove.title = remove.disabled
    ? 'Backups that are pending, in progress or being restored cannot be deleted.'
    : '';
}

/** Makes tbody show `backups` in order; returns nothing, keeps existing rows' elements. */
export function renderBackups(tbody, backups, state, locale) {
  const existing = new Map();
  for (const row of tbody.querySelectorAll('tr')) existing.set(row.dataset.backupId, row);
  backups.forEach((backup, index) => {
    let row = existing.get(backup.id);
    if (row) existing.delete(backup.id);
    else row = createRow(backup.id);
    updateRow(row, backup, state, locale);
    // Move only when out of place: moving a node blurs a focused button in it.
    if (tbody.children[index] !== row) tbody.insertBefore(row, tbody.children[index] ?? null);
  });
  for (const row of existing.values()) row.remove();
}
