import { ApiFailure, createApiClient } from './api-client.js';
import { renderBackups } from './backups-table.js';
import {
  closeDialog,
  openDialog,
  setBusy,
  showAlert,
  showFieldError,
  showFieldIssues,
  wireDialog,
} from './dialogs.js';
import {
  FAST_POLL_MS,
  filterByType,
  formatTime,
  isActiveRestore,
  isBusy,
  SLOW_POLL_MS,
  statusLabel,
  stepLabel,
  typeLabel,
} from './format.js';
import { setText } from './keyed-rows.js';
import { renderRestores } from './restores-table.js';
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
  typeFilter: $('type-filter'),
  filteredEmpty: $('filtered-empty-state'),
  restoresSection: $('restores-section'),
  restoresError: $('restores-error'),
  restoresTable: $('restores-table'),
  restoresBody: $('restores-body'),
  restoresLoading: $('restores-loading'),
  restoresEmpty: $('restores-empty'),
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
  nodeSelect: $('backup-node'),
  nodeError: $('node-error'),
  remarksInput: $('backup-remarks'),
  remarksError: $('remarks-error'),
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
/** What the page knows of the deployment, as one key saw it (forgotten with the key). */
function nothingRead() {
  return {
    backups: [],
    restores: [],
    /** The deployment's nodes ({ id, name, availability_zone }), for the node selector and the Type column. */
    nodes: [],
    nodesLoaded: false,
    loaded: false,
    restoresLoaded: false,
    /** When the schedule was last read (ms); 0 reads it on the next refresh. */
    scheduleReadAt: 0,
  };
}
const state = {
  ...nothingRead(),
  timer: undefined,
  /** Ticks once a second while something runs, so elapsed times move without asking the API. */
  ticker: undefined,
  /** The read in flight, and the one queued to follow it (see refresh). */
  reading: undefined,
  readAgain: undefined,
  target: null,
};

function showKeyPrompt(message) {
  stopPolling();
  // A rejected key can surface inside a dialog; the prompt must not sit behind it.
  for (const dialog of [el.createDialog, el.deleteDialog, el.restoreDialog, ...scheduleDialogs])
    closeDialog(dialog);
  sessionStorage.removeItem(KEY_STORAGE);
  el.backupsSection.hidden = true;
  el.restoresSection.hidden = true;
  el.changeKey.hidden = true;
  forgetDeploymentData();
  el.keySection.hidden = false;
  el.keyError.textContent = message ?? '';
  el.keyInput.value = '';
  el.keyInput.focus();
}

/** What the previous key saw goes with it: the next key may belong to another tenant. */
function forgetDeploymentData() {
  Object.assign(state, nothingRead());
  renderNodeOptions();
  render();
  el.refreshStatus.textContent = '';
  showAlert(el.pageError, '');
  showAlert(el.restoresError, '');
  schedulePanel.forget();
}

function showBackups() {
  el.keySection.hidden = true;
  el.backupsSection.hidden = false;
  el.restoresSection.hidden = false;
  el.changeKey.hidden = false;
}

function stopPolling() {
  clearTimeout(state.timer);
  state.timer = undefined;
  stopTicking();
}

/** The once-a-second re-render that moves elapsed times; runs only while something does. */
function tickWhileBusy() {
  if (isBusy(state.backups, state.restores)) state.ticker ??= setInterval(renderTables, 1000);
  else stopTicking();
}

function stopTicking() {
  clearInterval(state.ticker);
  state.ticker = undefined;
}

function schedule() {
  clearTimeout(state.timer);
  if (document.hidden || !sessionStorage.getItem(KEY_STORAGE)) return stopPolling();
  state.timer = setTimeout(refresh, isBusy(state.backups, state.restores) ? FAST_POLL_MS : SLOW_POLL_MS);
  tickWhileBusy();
}

/** An expired or revoked key sends the user back to the prompt; anything else is shown where it happened. */
function handleFailure(error, alertElement) {
  if (error instanceof ApiFailure && error.status === 401) {
    showKeyPrompt(error.message);
    return;
  }
  showAlert(alertElement, error instanceof Error ? error.message : String(error));
}

/**
 * Reads the lists and renders them. A read already in flight may have started
 * before the user's change, so a call during one queues one more read after it
 * (all such calls share it) and resolves when that has landed: a caller can
 * rely on seeing what it just changed.
 */
function refresh() {
  if (!state.reading) {
    state.reading = readAndRender().finally(() => {
      state.reading = undefined;
    });
    return state.reading;
  }
  state.readAgain ??= state.reading.then(() => {
    state.readAgain = undefined;
    // Signed out meanwhile: there is nothing to read any more.
    return sessionStorage.getItem(KEY_STORAGE) ? refresh() : undefined;
  });
  return state.readAgain;
}

async function readAndRender() {
  const key = sessionStorage.getItem(KEY_STORAGE);
  if (!key) return;
  // The schedule changes only when someone edits it, so it is read at the idle
  // pace, not the busy one. Not awaited: it shows its own loading and errors.
  if (Date.now() - state.scheduleReadAt >= SLOW_POLL_MS) {
    state.scheduleReadAt = Date.now();
    schedulePanel.refresh();
  }
  try {
    const [backups, restores] = await Promise.allSettled([
      api.listBackups(),
      api.listRestores(),
      state.nodesLoaded ? undefined : loadNodes(),
    ]);
    // Read with a key that is no longer the page's: another tenant's data, maybe.
    if (sessionStorage.getItem(KEY_STORAGE) !== key) return;
    // A rejected key anywhere sends the user back to the prompt; otherwise each
    // section shows its own failure and keeps what it last had.
    const unauthenticated = [backups, restores].find(
      (r) => r.status === 'rejected' && r.reason instanceof ApiFailure && r.reason.status === 401,
    );
    if (unauthenticated) return handleFailure(unauthenticated.reason, el.pageError);
    if (backups.status === 'fulfilled') {
      state.backups = backups.value;
      state.loaded = true;
      showAlert(el.pageError, '');
    } else handleFailure(backups.reason, el.pageError);
    if (restores.status === 'fulfilled') {
      state.restores = restores.value;
      state.restoresLoaded = true;
      showAlert(el.restoresError, '');
    } else handleFailure(restores.reason, el.restoresError);
    render();
  } finally {
    schedule();
  }
}

/** The deployment's nodes, once per sign-in; the selector offers "All nodes" until they arrive. */
async function loadNodes() {
  const key = sessionStorage.getItem(KEY_STORAGE);
  try {
    const nodes = await api.listNodes();
    if (sessionStorage.getItem(KEY_STORAGE) !== key) return;
    state.nodes = nodes;
    state.nodesLoaded = true;
    renderNodeOptions();
    schedulePanel.setNodes(state.nodes);
  } catch {
    // Not fatal: a create for all nodes still works, and the next refresh tries again.
  }
}

function renderNodeOptions() {
  const chosen = el.nodeSelect.value;
  el.nodeSelect.replaceChildren(new Option('All nodes', ''));
  for (const node of state.nodes) {
    el.nodeSelect.append(new Option(`${node.name} (${node.availability_zone})`, node.id));
  }
  el.nodeSelect.value = state.nodes.some((n) => n.id === chosen) ? chosen : '';
}

function render() {
  renderTables();
  // Loading until the first list arrives; an error in its place says why it did not.
  el.loading.hidden = state.loaded || !el.pageError.hidden;
  const shown = filterByType(state.backups, el.typeFilter.value);
  el.empty.hidden = !state.loaded || state.backups.length > 0;
  el.filteredEmpty.hidden = state.backups.length === 0 || shown.length > 0;
  el.filteredEmpty.textContent = `No ${typeLabel(el.typeFilter.value).toLowerCase()} backups. Choose “All types” to see the others.`;
  el.table.hidden = shown.length === 0;
  el.restoresLoading.hidden = state.restoresLoaded || !el.restoresError.hidden;
  el.restoresEmpty.hidden = !state.restoresLoaded || state.restores.length > 0;
  el.restoresTable.hidden = state.restores.length === 0;
  renderRestorePanel(state.restores[0]);
  const pace = isBusy(state.backups, state.restores)
    ? `every ${FAST_POLL_MS / 1000} s while work is running`
    : `every ${SLOW_POLL_MS / 1000} s while nothing is running`;
  el.refreshStatus.textContent = `Updated ${new Date().toLocaleTimeString()} · refreshes ${pace}.`;
}

/** Both tables as of now: called on every refresh and by the ticker between them. */
function renderTables() {
  const now = Date.now();
  const activeRestore = state.restores.find(isActiveRestore) ?? null;
  const nodeNames = new Map(state.nodes.map((n) => [n.id, n.name]));
  renderBackups(
    el.tbody,
    filterByType(state.backups, el.typeFilter.value),
    {
      restoreActive: activeRestore !== null,
      restoringBackupId: activeRestore?.backup_id ?? null,
      nodeNames,
      now,
    },
    undefined,
  );
  renderRestores(el.restoresBody, state.restores, { backupName: restoreSource, now }, undefined);
}

/** The backup a restore came from: its name while it is listed, else its id. */
function restoreSource(backupId) {
  return findBackup(backupId)?.name ?? `Backup ${backupId} (deleted)`;
}

function backupName(backupId) {
  const backup = state.backups.find((b) => b.id === backupId);
  return backup ? `“${backup.name}”` : `backup ${backupId}`;
}

function renderRestorePanel(latest) {
  el.restorePanel.hidden = !latest;
  if (!latest) return;
  el.restoreBadge.className = `badge badge-${latest.status}`;
  // A live region: rewriting the same words would have them read out at every poll.
  setText(el.restoreBadge, statusLabel(latest.status));
  const from = backupName(latest.backup_id);
  let text;
  if (latest.status === 'pending') text = `Restore from ${from} is queued; the deployment will stop briefly.`;
  else if (latest.status === 'in_progress')
    text = `Restoring from ${from}${latest.step ? ` — ${stepLabel(latest.step)}` : ''}.`;
  else if (latest.status === 'completed')
    text = `Last restore from ${from} completed ${formatTime(latest.completed_at)}.`;
  else
    text = `Last restore from ${from} ended ${statusLabel(latest.status).toLowerCase()}: ${latest.error ?? 'no reason recorded'}.`;
  setText(el.restoreText, text);
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
  // The nodes may have failed to load at sign-in; try again as the dialog opens.
  if (!state.nodesLoaded) loadNodes();
  openDialog(el.createDialog, el.createButton, el.nameInput);
});

el.createForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  showFieldError(el.nameInput, el.nameError, '');
  showFieldError(el.expiryInput, el.expiryError, '');
  showFieldError(el.nodeSelect, el.nodeError, '');
  showFieldError(el.remarksInput, el.remarksError, '');
  showAlert(el.createError, '');
  if (el.expiryInput.validity.badInput) {
    showFieldError(el.expiryInput, el.expiryError, 'Enter a whole number of days between 1 and 3650.');
    el.expiryInput.focus();
    return;
  }
  // Range and name rules are the API's; its answer is shown next to each field.
  const body = { name: el.nameInput.value };
  if (el.expiryInput.value !== '') body.expires_in_days = Number(el.expiryInput.value);
  if (el.nodeSelect.value !== '') body.node_id = el.nodeSelect.value;
  if (el.remarksInput.value.trim() !== '') body.remarks = el.remarksInput.value;
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
  const fields = {
    name: [el.nameInput, el.nameError],
    expires_in_days: [el.expiryInput, el.expiryError],
    node_id: [el.nodeSelect, el.nodeError],
    remarks: [el.remarksInput, el.remarksError],
  };
  // The node may have left the deployment since the list was read: read it again.
  if (error.code === 'invalid_node') state.nodesLoaded = false;
  showFieldIssues(error, fields, el.createError, el.nameInput);
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

function confirmAction(form, dialog, errorElement, action, afterwards) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const backup = state.target;
    if (!backup) return closeDialog(dialog);
    setBusy(dialog, true);
    try {
      const result = await action(backup.id);
      closeDialog(dialog);
      await refresh();
      afterwards?.(result);
    } catch (error) {
      setBusy(dialog, false);
      handleFailure(error, errorElement);
    }
  });
}
confirmAction(el.deleteForm, el.deleteDialog, el.deleteError, (id) => api.deleteBackup(id));
confirmAction(el.restoreForm, el.restoreDialog, el.restoreError, (id) => api.restoreBackup(id), showRestore);

/** Brings a just-started restore into view and moves focus to its row, so it is read out too. */
function showRestore(restoreId) {
  const row = restoreId && el.restoresBody.querySelector(`tr[data-restore-id="${restoreId}"]`);
  const target = row || el.restoresSection;
  target.scrollIntoView({ block: 'center', behavior: 'smooth' });
  if (row) row.focus({ preventScroll: true });
}

for (const dialog of [el.createDialog, el.deleteDialog, el.restoreDialog, ...scheduleDialogs]) {
  wireDialog(dialog, () => el.createButton);
}

el.typeFilter.addEventListener('change', () => render());

document.addEventListener('visibilitychange', () => {
  if (document.hidden) stopPolling();
  else if (sessionStorage.getItem(KEY_STORAGE) && !el.backupsSection.hidden) {
    // Back from hidden: everything is read afresh, the schedule too.
    state.scheduleReadAt = 0;
    refresh();
  }
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
