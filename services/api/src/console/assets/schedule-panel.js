import { ApiFailure } from './api-client.js';
import { closeDialog, openDialog, setBusy, showAlert, showFieldError, showFieldIssues } from './dialogs.js';
import {
  bodyFromSchedule,
  DEFAULT_CRON,
  enabledLabel,
  expiryText,
  formatRun,
  keepText,
  nodeLabel,
  nodeOptions,
  scheduleBody,
  timeZoneChoices,
} from './schedule-format.js';

// The deployment's Backup schedule section and its dialogs. The page's poll
// calls refresh(); elements are updated in place, so a poll never moves focus
// and never touches an open dialog's fields.

const $ = (id) => document.getElementById(id);

const localTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** Registered just before close(), so it runs after wireDialog's return to the opener, which may be hidden now. */
function focusAfterClose(dialog, target) {
  dialog.addEventListener('close', () => target.focus(), { once: true });
}

/** A failure shown outside a form: its field issues go into the message. */
function withDetails(error) {
  if (!(error instanceof ApiFailure) || error.details.length === 0) return error;
  const issues = error.details.map((issue) => `${issue.field}: ${issue.message}`);
  return new ApiFailure(error.status, error.code, [error.message, ...issues].join(' '), error.details);
}

/**
 * `onFailure(error, alertElement)` is the page's handler (a rejected key goes
 * back to the key prompt); `setNodes` fills the node choice with `{ id, name }`.
 */
export function createSchedulePanel({ api, onFailure }) {
  const el = {
    section: $('schedule-section'),
    error: $('schedule-error'),
    loading: $('schedule-loading'),
    empty: $('schedule-empty'),
    create: $('schedule-create'),
    details: $('schedule-details'),
    status: $('schedule-status'),
    cron: $('schedule-cron'),
    timezone: $('schedule-timezone'),
    node: $('schedule-node'),
    keep: $('schedule-keep'),
    expiry: $('schedule-expiry'),
    localZone: $('schedule-local-zone'),
    runs: $('schedule-runs'),
    noRuns: $('schedule-no-runs'),
    actionError: $('schedule-action-error'),
    edit: $('schedule-edit'),
    toggle: $('schedule-toggle'),
    remove: $('schedule-delete'),
    dialog: $('schedule-dialog'),
    dialogTitle: $('schedule-dialog-title'),
    form: $('schedule-form'),
    cronInput: $('schedule-cron-input'),
    zoneInput: $('schedule-timezone-input'),
    zones: $('schedule-timezones'),
    nodeInput: $('schedule-node-input'),
    keepInput: $('schedule-keep-input'),
    expiryInput: $('schedule-expiry-input'),
    enabledInput: $('schedule-enabled-input'),
    formError: $('schedule-form-error'),
    deleteDialog: $('schedule-delete-dialog'),
    deleteForm: $('schedule-delete-form'),
    deleteError: $('schedule-delete-error'),
  };
  // The API's field names, each with its input and the element its message goes in.
  const fields = {
    cron: [el.cronInput, $('schedule-cron-error')],
    timezone: [el.zoneInput, $('schedule-timezone-error')],
    node_id: [el.nodeInput, $('schedule-node-error')],
    keep_count: [el.keepInput, $('schedule-keep-error')],
    expires_in_days: [el.expiryInput, $('schedule-expiry-error')],
    enabled: [el.enabledInput, $('schedule-enabled-error')],
  };

  /** undefined until the first read; null when the deployment has no schedule. */
  let schedule;
  let nodes = [];
  // Bumped by every change this page saves, so a read that started before it is not shown.
  let version = 0;
  let inFlight = null;
  let again = false;
  // Bumped when the page signs out: a read still out belongs to the previous key.
  let forgotten = 0;
  let toggling = false;

  function render(next) {
    schedule = next;
    el.loading.hidden = true;
    el.empty.hidden = next !== null;
    el.details.hidden = next === null;
    if (next === null) return;
    el.status.className = `badge badge-${next.enabled ? 'enabled' : 'disabled'}`;
    el.status.textContent = enabledLabel(next.enabled);
    el.cron.textContent = next.cron;
    el.timezone.textContent = next.timezone;
    el.node.textContent = nodeLabel(next.node_id, nodes);
    el.keep.textContent = keepText(next.keep_count);
    el.expiry.textContent = expiryText(next.expires_in_days);
    el.localZone.textContent = localTimeZone();
    renderRuns(next.next_runs);
    el.noRuns.hidden = next.next_runs.length > 0;
    el.noRuns.textContent = next.enabled
      ? 'None: this cron expression never matches a date.'
      : 'None: the schedule is disabled.';
    el.toggle.textContent = next.enabled ? 'Disable schedule' : 'Enable schedule';
  }

  function renderRuns(runs) {
    runs.forEach((iso, index) => {
      let item = el.runs.children[index];
      if (!item) {
        item = document.createElement('li');
        item.append(document.createElement('time'));
        el.runs.append(item);
      }
      item.firstChild.dateTime = iso;
      item.firstChild.textContent = formatRun(iso);
    });
    while (el.runs.children.length > runs.length) el.runs.lastChild.remove();
    el.runs.hidden = runs.length === 0;
  }

  /** Shows a schedule this page just saved (or deleted: null). */
  function saved(next) {
    version += 1;
    showAlert(el.error, '');
    render(next);
  }

  async function load() {
    const started = version;
    const signedIn = forgotten;
    // Again after a failed first read (e.g. a rejected key, then a new one): say it is loading.
    if (schedule === undefined) el.loading.hidden = false;
    try {
      const loaded = await api.getSchedule();
      if (signedIn !== forgotten) return;
      if (started !== version) {
        again = true;
        return;
      }
      showAlert(el.error, '');
      render(loaded);
    } catch (error) {
      if (signedIn !== forgotten) return;
      // Known data stays on screen under the message; with none, only the message shows.
      if (schedule === undefined) el.loading.hidden = true;
      onFailure(withDetails(error), el.error);
    }
  }

  /** Reads the schedule; a call while a read is out makes that read go again once it lands. */
  function refresh() {
    el.section.hidden = false;
    if (inFlight) {
      again = true;
      return inFlight;
    }
    inFlight = (async () => {
      do {
        again = false;
        await load();
      } while (again);
    })().finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  function fillNodes(selected) {
    const options = nodeOptions(nodes, selected).map(({ value, label }) => {
      const option = document.createElement('option');
      option.value = value;
      option.textContent = label;
      return option;
    });
    el.nodeInput.replaceChildren(...options);
    el.nodeInput.value = selected ?? '';
  }

  function fillZones() {
    if (el.zones.childElementCount > 0) return;
    const supported = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
    el.zones.append(
      ...timeZoneChoices(supported).map((name) => {
        const option = document.createElement('option');
        option.value = name;
        return option;
      }),
    );
  }

  function openEditor(opener) {
    const current = schedule ?? null;
    el.dialogTitle.textContent = current ? 'Edit schedule' : 'Create schedule';
    fillZones();
    fillNodes(current?.node_id ?? null);
    el.cronInput.value = current?.cron ?? DEFAULT_CRON;
    el.zoneInput.value = current?.timezone ?? localTimeZone();
    el.keepInput.value = current?.keep_count == null ? '' : String(current.keep_count);
    el.expiryInput.value = current?.expires_in_days == null ? '' : String(current.expires_in_days);
    el.enabledInput.checked = current?.enabled ?? true;
    openDialog(el.dialog, opener, el.cronInput);
  }

  function showSaveErrors(error) {
    if (!(error instanceof ApiFailure) || error.status === 401) return onFailure(error, el.formError);
    showFieldIssues(error, fields, el.formError, el.cronInput);
  }

  el.create.addEventListener('click', () => openEditor(el.create));
  el.edit.addEventListener('click', () => openEditor(el.edit));

  el.form.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const [input, message] of Object.values(fields)) showFieldError(input, message, '');
    showAlert(el.formError, '');
    for (const [input, message, text] of [
      [el.keepInput, fields.keep_count[1], 'Enter a whole number between 1 and 1000.'],
      [el.expiryInput, fields.expires_in_days[1], 'Enter a whole number of days between 1 and 3650.'],
    ]) {
      if (input.validity.badInput) {
        showFieldError(input, message, text);
        input.focus();
        return;
      }
    }
    // Cron, zone, range and frequency rules are the API's; its answer is shown next to each field.
    const body = scheduleBody({
      cron: el.cronInput.value,
      timezone: el.zoneInput.value,
      nodeId: el.nodeInput.value,
      keepCount: el.keepInput.value,
      expiresInDays: el.expiryInput.value,
      enabled: el.enabledInput.checked,
    });
    setBusy(el.dialog, true);
    try {
      saved(await api.putSchedule(body));
      focusAfterClose(el.dialog, el.edit);
      closeDialog(el.dialog);
    } catch (error) {
      setBusy(el.dialog, false);
      showSaveErrors(error);
    }
  });

  el.toggle.addEventListener('click', async () => {
    // aria-disabled, not disabled: a disabled button would drop keyboard focus.
    if (toggling || !schedule) return;
    toggling = true;
    el.toggle.setAttribute('aria-disabled', 'true');
    showAlert(el.actionError, '');
    try {
      saved(await api.putSchedule(bodyFromSchedule(schedule, { enabled: !schedule.enabled })));
    } catch (error) {
      onFailure(withDetails(error), el.actionError);
    } finally {
      toggling = false;
      el.toggle.removeAttribute('aria-disabled');
    }
  });

  el.remove.addEventListener('click', () => openDialog(el.deleteDialog, el.remove));

  el.deleteForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    setBusy(el.deleteDialog, true);
    try {
      await api.deleteSchedule();
      saved(null);
      focusAfterClose(el.deleteDialog, el.create);
      closeDialog(el.deleteDialog);
    } catch (error) {
      setBusy(el.deleteDialog, false);
      onFailure(error, el.deleteError);
    }
  });

  return {
    refresh,
    /**
     * Signed out (the page closes every dialog itself): nothing of this schedule
     * stays on screen, and a read still out is dropped.
     */
    forget() {
      forgotten += 1;
      again = false;
      schedule = undefined;
      el.details.hidden = true;
      el.empty.hidden = true;
      el.loading.hidden = false;
      showAlert(el.error, '');
      showAlert(el.actionError, '');
    },
    setNodes(list) {
      nodes = list.map((node) => ({ id: String(node.id), name: String(node.name) }));
      if (schedule) el.node.textContent = nodeLabel(schedule.node_id, nodes);
      if (el.dialog.open) fillNodes(el.nodeInput.value || null);
    },
  };
}
