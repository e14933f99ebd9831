// Pure helpers for the Backup schedule section; no DOM, so they are unit-tested in Node.

/** What a new schedule's cron field starts with, and the example its hint gives. */
export const DEFAULT_CRON = '0 3 * * *';

/**
 * One run, an RFC 3339 instant, as a date and time in `timeZone` (the
 * browser's own when omitted), weekday included since schedules often name one.
 */
export function formatRun(iso, locale, timeZone) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return new Intl.DateTimeFormat(locale, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  }).format(date);
}

export function enabledLabel(enabled) {
  return enabled ? 'Enabled' : 'Disabled';
}

const plural = (count, one, many) => `${count} ${count === 1 ? one : many}`;

/** keep_count: null means no count of its own, only the plan's backup limit. */
export function keepText(keepCount) {
  if (keepCount === null || keepCount === undefined) return "Up to the plan's backup limit";
  return `Newest ${plural(keepCount, 'scheduled backup', 'scheduled backups')}`;
}

export function expiryText(days) {
  if (days === null || days === undefined) return 'Never';
  return `After ${plural(days, 'day', 'days')}`;
}

/** A node id as the user knows it: its name when the page has one, else its id. */
export function nodeLabel(nodeId, nodes) {
  if (nodeId === null || nodeId === undefined) return 'All nodes';
  return nodes.find((node) => node.id === nodeId)?.name ?? `Node ${nodeId}`;
}

/**
 * The node select's options: all nodes, then each node. A schedule's node that
 * the list lacks (not loaded yet, or renamed away) stays selectable, so saving
 * an edit never silently moves the schedule to all nodes.
 */
export function nodeOptions(nodes, currentNodeId) {
  const options = [{ value: '', label: 'All nodes' }];
  for (const node of nodes) options.push({ value: node.id, label: node.name });
  if (currentNodeId && !nodes.some((node) => node.id === currentNodeId)) {
    options.push({ value: currentNodeId, label: `Node ${currentNodeId}` });
  }
  return options;
}

/** The datalist's zones: the runtime's IANA names, which leave out UTC itself. */
export function timeZoneChoices(supported) {
  return supported.includes('UTC') ? [...supported] : ['UTC', ...supported];
}

const optionalNumber = (text) => (text.trim() === '' ? null : Number(text));

/**
 * The PUT body from the form's text values. Numbers are sent as typed (1.5,
 * 0, 5000): the API's range and integer rules answer next to each field.
 */
export function scheduleBody(form) {
  return {
    cron: form.cron,
    timezone: form.timezone.trim(),
    node_id: form.nodeId === '' ? null : form.nodeId,
    keep_count: optionalNumber(form.keepCount),
    expires_in_days: optionalNumber(form.expiresInDays),
    enabled: form.enabled,
  };
}

/** A saved schedule as a PUT body, with `changes` applied (e.g. enabled flipped). */
export function bodyFromSchedule(schedule, changes = {}) {
  return {
    cron: schedule.cron,
    timezone: schedule.timezone,
    node_id: schedule.node_id,
    keep_count: schedule.keep_count,
    expires_in_days: schedule.expires_in_days,
    enabled: schedule.enabled,
    ...changes,
  };
}
