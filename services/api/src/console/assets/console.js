import { ApiFailure, createApiClient } from './api-client.js';
import { renderBackups } from './backups-table.js';
import { closeDialog, openDialog, setBusy, showAlert, showFieldError, wireDialog } from './dialogs.js';
import { FAST_POLL_MS, formatTime, isActiveRestore, isBusy, SLOW_POLL_MS, statusLabel } from './format.js';
import { createSchedulePanel } from './schedule-panel.js';

// The deployment's Backups tab. The key lives in sessionStorage only (this
// tab, gone when it closes), never in the URL or localStorage. The deployment
// id is taken from the path as text: it may exceed 2^53.

const KEY_STORAGE = 'ld-console-api-key';
const ID_PATTERN = /^[1-9][0-9]{0,18}$/;

const $ = (id) => document.getElementById(id);
const el = {
  keySection: $('key-section'),
  keyForm: $('key-form'),
  keyInput: $('key-input'),
  keyError: $('key-error'),
  changeKey: $('change-key'),
  backupsSection: $('backups-section'),
  createButton: $('create-button'),
  pageError: $('page-error'),
  restorePanel: $('restore-panel'),
  restoreBadge: $('restore-badge'),
  restoreText: $('restore-text'),
  tbody: $('backups-body'),
  table: $('backups-table'),
  loading: $('loading-state'),
  empty: $('empty-state'),
  refreshStatus: $('refresh-status'),
  createDialog: $('create-dialog'),
  createForm: $('create-form'),
  nameInput: $('backup-name'),
  nameError: $('name-error'),
  expiryInput: $('backup-expiry'),
  expiryError: $('expiry-error'),
  createError: $('create-error'),
  deleteDialog: $('delete-dialog'),
  deleteForm: $('delete-form'),
  deleteText: $('delete-text'),
  deleteError: $('delete-error'),
  restoreDialog: $('restore-dialog'),
  restoreForm: $('restore-form'),
  restoreDialogText: $('restore-dialog-text'),
  restoreError: $('restore-error'),
};

const deploymentId = decodeURIComponent(location.pathname.split('/')[3] ?? '');
const api = createApiClient(deploymentId, () => sessionStorage.getItem(KEY_STORAGE));
const schedulePanel = createSchedulePanel({ api, onFailure: handleFailure });
const scheduleDialogs = [$('schedule-dialog'), $('schedule-delete-dialog')];
const state = {
  backups: [],
  restores: [],
  loaded: false,
  timer: undefined,
  loading: false,
  again: false,
  target: null,
};

function showKeyPrompt(message) {
  stopPolling();
  // A rejected key can surface inside a dialog; the prompt must not sit behind it.
  for (const dialog of [el.createDialog, el.deleteDialog, el.restoreDialog, ...scheduleDialogs])
    closeDialog(dialog);
  sessionStorage.removeItem(KEY_STORAGE);
  el.backupsSection.hidden = true;
  el.changeKey.hidden = true;
  el.keySection.hidden = false;
  el.keyError.textContent = message ?? '';
  el.keyInput.value = '';
  el.keyInput.focus();
}

function showBackups() {
  el.keySection.hidden = true;
  el.backupsSection.hidden = false;
  el.changeKey.hidden = false;
}

function stopPolling() {
  clearTimeout(state.timer);
  state.timer = undefined;
}

function schedule() {
  stopPolling();
  if (document.hidden || !sessionStorage.getItem(KEY_STORAGE)) return;
  state.timer = setTimeout(refresh, isBusy(state.backups, state.restores) ? FAST_POLL_MS : SLOW_POLL_MS);
}

/** An expired or revoked key sends the user back to the prompt; anything else is shown where it happened. */
function handleFailure(error, alertElement) {
  if (error instanceof ApiFailure && error.status === 401) {
    showKeyPrompt(error.message);
    return;
  }
  showAlert(alertElement, error instanceof Error ? error.message : String(error));
}

async function refresh() {
  // A poll already in flight may have read before the user's change: go again once it lands.
  if (state.loading) {
    state.again = true;
    return;
  }
  state.loading = true;
  state.again = false;
  // Not awaited: the schedule shows its own loading and errors in its section.
  schedulePanel.refresh();
  try {
    const [backups, restores] = await Promise.all([api.listBackups(), api.listRestores()]);
    state.backups = backups;
    state.restores = restores;
    state.loaded = true;
    render();
    showAlert(el.pageError, '');
  } catch (error) {
    handleFailure(error, el.pageError);
    el.loading.hidden = true;
  } finally {
    state.loading = false;
    if (state.again && sessionStorage.getItem(KEY_STORAGE)) refresh();
    else schedule();
  }
}

function render() {
  const activeRestore = state.restores.find(isActiveRestore) ?? null;
  renderBackups(
    el.tbody,
    state.backups,
    { restoreActive: activeRestore !== null, restoringBackupId: activeRestore?.backup_id ?? null },
    undefined,
  );
  el.loading.hidden = true;
  el.empty.hidden = state.backups.length > 0;
  el.table.hidden = state.backups.length === 0;
  renderRestorePanel(state.restores[0]);
  const pace = isBusy(state.backups, state.restores)
    ? `every ${FAST_POLL_MS / 1000} s while work is running`
    : `every ${SLOW_POLL_MS / 1000} s`;
  el.refreshStatus.textContent = `Updated ${new Date().toLocaleTimeString()} · refreshes ${pace}.`;
}

function backupName(backupId) {
  const backup = state.backups.find((b) => b.id === backupId);
  return backup ? `“${backup.name}”` : `backup ${backupId}`;
}

function renderRestorePanel(latest) {
  el.restorePanel.hidden = !latest;
  if (!latest) return;
  el.restoreBadge.className = `badge badge-${latest.status}`;
  el.restoreBadge.textContent = statusLabel(latest.status);
  const from = backupName(latest.backup_id);
  let text;
  if (latest.status === 'pending') text = `Restore from ${from} is queued; the deployment will stop briefly.`;
  else if (latest.status === 'in_progress')
    text = `Restoring from ${from}${latest.step ? ` — step: ${latest.step.replaceAll('_', ' ')}` : ''}.`;
  else if (latest.status === 'completed')
    text = `Last restore from ${from} completed ${formatTime(latest.completed_at)}.`;
  else
    text = `Last restore from ${from} ended ${statusLabel(latest.status).toLowerCase()}: ${latest.error ?? 'no reason recorded'}.`;
  el.restoreText.textContent = text;
}

function findBackup(id) {
  return state.backups.find((b) => b.id === id);
}

el.keyForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const key = el.keyInput.value.trim();
  if (!key) {
    el.keyError.textContent = 'Enter an API key.';
    el.keyInput.setAttribute('aria-invalid', 'true');
    return;
  }
  el.keyInput.removeAttribute('aria-invalid');
  sessionStorage.setItem(KEY_STORAGE, key);
  el.keyError.textContent = '';
  showBackups();
  await refresh();
  if (!el.backupsSection.hidden) el.createButton.focus();
});

el.changeKey.addEventListener('click', () => showKeyPrompt());

el.createButton.addEventListener('click', () => {
  el.createForm.reset();
  openDialog(el.createDialog, el.createButton, el.nameInput);
});

el.createForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  showFieldError(el.nameInput, el.nameError, '');
  showFieldError(el.expiryInput, el.expiryError, '');
  showAlert(el.createError, '');
  if (el.expiryInput.validity.badInput) {
    showFieldError(el.expiryInput, el.expiryError, 'Enter a whole number of days between 1 and 3650.');
    el.expiryInput.focus();
    return;
  }
  // Range and name rules are the API's; its answer is shown next to each field.
  const body = { name: el.nameInput.value };
  if (el.expiryInput.value !== '') body.expires_in_days = Number(el.expiryInput.value);
  setBusy(el.createDialog, true);
  try {
    await api.createBackup(body);
    closeDialog(el.createDialog);
    await refresh();
  } catch (error) {
    setBusy(el.createDialog, false);
    showCreateErrors(error);
  }
});

function showCreateErrors(error) {
  if (!(error instanceof ApiFailure) || error.status === 401) return handleFailure(error, el.createError);
  const fields = { name: [el.nameInput, el.nameError], expires_in_days: [el.expiryInput, el.expiryError] };
  let first;
  const others = [];
  for (const issue of error.details) {
    const target = Object.hasOwn(fields, issue.field) ? fields[issue.field] : undefined;
    if (target) {
      showFieldError(target[0], target[1], issue.message);
      first ??= target[0];
    } else others.push(`${issue.field}: ${issue.message}`);
  }
  if (!first || others.length > 0) showAlert(el.createError, [error.message, ...others].join(' '));
  (first ?? el.nameInput).focus();
}

el.tbody.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-action]');
  const backup = button && findBackup(button.closest('tr').dataset.backupId);
  if (!backup || button.disabled) return;
  state.target = backup;
  if (button.dataset.action === 'delete') {
    el.deleteText.textContent = `Delete backup “${backup.name}”? Its snapshots are deleted and it cannot be restored afterwards.`;
    openDialog(el.deleteDialog, button);
  } else {
    el.restoreDialogText.textContent = `Restore this deployment from backup “${backup.name}”, created ${formatTime(backup.created_at)}?`;
    openDialog(el.restoreDialog, button);
  }
});

function confirmAction(form, dialog, errorElement, action) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const backup = state.target;
    if (!backup) return closeDialog(dialog);
    setBusy(dialog, true);
    try {
      await action(backup.id);
      closeDialog(dialog);
      await refresh();
    } catch (error) {
      setBusy(dialog, false);
      handleFailure(error, errorElement);
    }
  });
}
confirmAction(el.deleteForm, el.deleteDialog, el.deleteError, (id) => api.deleteBackup(id));
confirmAction(el.restoreForm, el.restoreDialog, el.restoreError, (id) => api.restoreBackup(id));

for (const dialog of [el.createDialog, el.deleteDialog, el.restoreDialog, ...scheduleDialogs]) {
  wireDialog(dialog, () => el.createButton);
}

document.addEventListener('visibilitychange', () => {
  if (document.hidden) stopPolling();
  else if (sessionStorage.getItem(KEY_STORAGE) && !el.backupsSection.hidden) refresh();
});

function start() {
  $('deployment-id').textContent = deploymentId;
  $('crumb-deployment').textContent = deploymentId;
  if (!ID_PATTERN.test(deploymentId)) {
    el.backupsSection.hidden = false;
    el.createButton.disabled = true;
    el.loading.hidden = true;
    showAlert(el.pageError, 'This address does not name a deployment: its id must be a positive integer.');
    return;
  }
  if (sessionStorage.getItem(KEY_STORAGE)) {
    showBackups();
    refresh();
  } else {
    showKeyPrompt();
  }
}

start();
