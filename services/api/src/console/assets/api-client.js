import { idText, parseLosslessJson, stringifyWithIds } from './int64-json.js';

// The REST API as the page uses it. Same origin, so the key travels only in
// the ld-api-key header; ids stay decimal strings end to end.

export class ApiFailure extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details ?? [];
  }
}

function normaliseBackup(raw) {
  return {
    ...raw,
    id: idText(raw.id),
    deployment_id: idText(raw.deployment_id),
    node_id: raw.node_id === null ? null : idText(raw.node_id),
  };
}

function normaliseRestore(raw) {
  return { ...raw, id: idText(raw.id), backup_id: idText(raw.backup_id) };
}

function normaliseNode(raw) {
  return { ...raw, id: idText(raw.id) };
}

/** The id at the end of a Location header (`…/restores/42` → "42"), or null. */
function locationId(response) {
  return /\/(\d+)$/.exec(response.headers.get('location') ?? '')?.[1] ?? null;
}

function normaliseSchedule(raw) {
  return {
    ...raw,
    deployment_id: idText(raw.deployment_id),
    node_id: raw.node_id === null ? null : idText(raw.node_id),
  };
}

/** Longer than the API's own request deadline, so its 503 arrives first when it is only slow. */
const REQUEST_TIMEOUT_MS = 20_000;

/** Request body fields holding ids, sent as bare JSON integers. */
const ID_FIELDS = ['node_id'];

export function createApiClient(deploymentId, getKey) {
  const base = `/deployments/${encodeURIComponent(deploymentId)}`;

  /** The API's answer as { json, response }; a non-2xx answer throws ApiFailure. */
  async function request(method, path, body) {
    const headers = { 'ld-api-key': getKey() ?? '', accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response;
    let text;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : stringifyWithIds(body, ID_FIELDS),
        cache: 'no-store',
        credentials: 'omit',
        // An answer that never comes must not hold the page's polling up for good.
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      text = await response.text();
    } catch (error) {
      if (error?.name === 'TimeoutError') {
        throw new ApiFailure(
          0,
          'timeout',
          method === 'GET'
            ? 'The API did not answer in time; the page keeps retrying.'
            : 'The API did not answer in time. The change may still have been made: check the list before trying again.',
        );
      }
      throw new ApiFailure(
        0,
        'network',
        'Cannot reach the API. Check your connection; the page keeps retrying.',
      );
    }
    let json;
    try {
      json = text ? parseLosslessJson(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const error = json && typeof json === 'object' ? json.error : undefined;
      const requestId = error?.request_id ?? response.headers.get('x-request-id');
      throw new ApiFailure(
        response.status,
        error?.code ?? 'http_error',
        error?.message ?? `The API answered ${response.status}${requestId ? ` (request ${requestId})` : ''}.`,
        Array.isArray(error?.details) ? error.details : [],
      );
    }
    return { json, response };
  }

  async function call(method, path, body) {
    return (await request(method, path, body)).json;
  }

  return {
    async listBackups() {
      return (await call('GET', '/backups')).map(normaliseBackup);
    },
    async listRestores() {
      return (await call('GET', '/restores')).map(normaliseRestore);
    },
    createBackup(body) {
      return call('POST', '/backups', body);
    },
    deleteBackup(backupId) {
      return call('DELETE', `/backups/${encodeURIComponent(backupId)}`);
    },
    /** Starts a restore; resolves with the new restore's id (from Location). */
    async restoreBackup(backupId) {
      return locationId((await request('POST', `/backups/${encodeURIComponent(backupId)}/restore`)).response);
    },
    async listNodes() {
      return (await call('GET', '/nodes')).map(normaliseNode);
    },
    /** The schedule, or null when the deployment has none (a missing deployment still throws). */
    async getSchedule() {
      try {
        return normaliseSchedule(await call('GET', '/backup-schedule'));
      } catch (error) {
        // A missing deployment is a 404 not_found too; only a missing schedule's message names it.
        const none =
          error instanceof ApiFailure && error.code === 'not_found' && /schedule/i.test(error.message);
        if (none) return null;
        throw error;
      }
    },
    async putSchedule(body) {
      return normaliseSchedule(await call('PUT', '/backup-schedule', body));
    },
    deleteSchedule() {
      return call('DELETE', '/backup-schedule');
    },
  };
}
