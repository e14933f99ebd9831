import { mapLimited } from './map-limited.js';

// One backup per deployment, asked of the public API as a tenant asks:
// POST /deployments/{id}/backups with the tenant's key, a bounded number in flight.

export interface BackupRequests {
  /** When the first 204 arrived (ms since the epoch): the drain starts there. */
  firstAcceptedAt: number;
  accepted: number;
  /** From the first request sent to the last answer. */
  seconds: number;
  /** Requests the API did not accept, with its answer. */
  refused: { deploymentId: bigint; status: number; body: string }[];
}

export async function requestBackups(
  baseUrl: string,
  apiKey: string,
  deploymentIds: readonly bigint[],
  inFlight: number,
): Promise<BackupRequests> {
  let firstAcceptedAt = Number.POSITIVE_INFINITY;
  const refused: BackupRequests['refused'] = [];
  const started = Date.now();
  await mapLimited(deploymentIds, inFlight, async (deploymentId) => {
    const response = await fetch(`${baseUrl}/deployments/${deploymentId}/backups`, {
      method: 'POST',
      headers: { 'ld-api-key': apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench' }),
    });
    const body = await response.text();
    if (response.status === 204) firstAcceptedAt = Math.min(firstAcceptedAt, Date.now());
    else refused.push({ deploymentId, status: response.status, body });
  });
  return {
    firstAcceptedAt,
    accepted: deploymentIds.length - refused.length,
    seconds: (Date.now() - started) / 1000,
    refused,
  };
}
