import {
  canDelete,
  canRestore,
  formatElapsed,
  formatSize,
  formatTime,
  isRunning,
  progressValue,
  splitRemarks,
  statusLabel,
  typeLabel,
} from './format.js';
import { renderKeyedRows, setText } from './keyed-rows.js';

// The backups table's rows. Everything is written with textContent.

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

function createRow() {
  const row = document.createElement('tr');
  const name = cell(row, 'name');
  name.append(document.createElement('strong'), document.createElement('span'));
  name.lastChild.className = 'remarks';
  const type = cell(row, 'type');
  type.append(document.createElement('span'), document.createElement('span'));
  type.lastChild.className = 'scope';
  const status = cell(row, 'status');
  // Badge; then, while running, a progress bar with its percentage and the
  // time elapsed; or, once failed, the reason.
  const progress = document.createElement('div');
  progress.className = 'progress';
  progress.append(document.createElement('progress'), document.createElement('span'));
  progress.firstChild.max = 100;
  const detail = document.createElement('span');
  detail.className = 'status-detail';
  status.append(document.createElement('span'), progress, detail);
  cell(row, 'size num');
  cell(row, 'created');
  cell(row, 'expires');
  const actions = cell(row, 'row-actions');
  actions.append(actionButton('Restore', '', 'restore'), actionButton('Delete', 'danger', 'delete'));
  return row;
}

function updateRow(row, backup, state, locale) {
  const [name, type, status, size, created, expires, actions] = row.children;
  const { reason, remarks } = splitRemarks(backup);
  setText(name.firstChild, backup.name);
  setText(name.lastChild, remarks);
  setText(type.firstChild, typeLabel(backup.backup_type));
  setText(type.lastChild, scopeText(backup.node_id, state.nodeNames));
  const [badge, progress, detail] = status.children;
  badge.className = `badge badge-${backup.status}`;
  setText(badge, statusLabel(backup.status));
  updateProgress(progress, backup);
  setText(detail, statusDetail(backup, reason, state.now));
  detail.classList.toggle('failure', reason !== null);
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

function scopeText(nodeId, nodeNames) {
  if (nodeId === null) return 'All nodes';
  return nodeNames?.get(nodeId) ?? `Node ${nodeId}`;
}

function updateProgress(element, backup) {
  element.hidden = backup.status !== 'in_progress';
  if (element.hidden) return;
  const [bar, text] = element.children;
  const value = progressValue(backup);
  // No value yet: an indeterminate bar, announced as such.
  if (value === null) bar.removeAttribute('value');
  else if (bar.value !== value) bar.value = value;
  bar.setAttribute('aria-label', `Progress of ${backup.name}`);
  setText(text, value === null ? 'starting' : `${value}%`);
}

function statusDetail(backup, reason, now) {
  if (reason !== null) return `Reason: ${reason}`;
  if (backup.status === 'pending') return `queued ${formatElapsed(backup.created_at, now)}`;
  if (isRunning(backup)) return `${formatElapsed(backup.started_at ?? backup.created_at, now)} elapsed`;
  return '';
}

/**
 * Makes tbody show `backups` in order, keeping existing rows' elements.
 * `state`: { restoreActive, restoringBackupId, nodeNames: Map<id, name>, now: ms }.
 */
export function renderBackups(tbody, backups, state, locale) {
  renderKeyedRows(tbody, backups, 'backupId', createRow, (row, backup) =>
    updateRow(row, backup, state, locale),
  );
}
