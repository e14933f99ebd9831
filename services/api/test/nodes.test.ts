import { describe, expect, it } from 'vitest';
import { expectError, expectStatus, seedTenant, useApi } from './harness.js';

// The node list is what the Console's node selector offers; its ids must be
// the ones a create's node_id accepts.

const api = useApi();

describe('GET /deployments/{id}/nodes', () => {
  it("lists the deployment's nodes in registration order, with exact int64 ids", async () => {
    const t = await seedTenant(api.em(), { deploymentId: 9007199254740993n });
    const res = await api.request('GET', `/deployments/${t.deploymentId}/nodes`, { key: t.key });
    expectStatus(res, 200);
    expect(res.text).toContain(`"id":${t.nodeIds[0]}`);
    expect(res.json).toEqual([
      { id: expect.anything(), name: 'node-1', availability_zone: 'us-west-1a' },
      { id: expect.anything(), name: 'node-2', availability_zone: 'us-west-1b' },
    ]);
    // Nothing of the EC2 account behind the node.
    expect(res.text).not.toMatch(/i-[0-9a-f]+|vol-/);

    const nodeId = /"id":(\d+)/.exec(res.text)?.[1];
    const created = await api.request('POST', `/deployments/${t.deploymentId}/backups`, {
      key: t.key,
      rawBody: `{"name":"one node","node_id":${nodeId}}`,
      headers: { 'content-type': 'application/json' },
    });
    expectStatus(created, 204);
  });

  it("answers 404 for another tenant's deployment, as for one that does not exist", async () => {
    const owner = await seedTenant(api.em());
    const stranger = await seedTenant(api.em());
    expectError(
      await api.request('GET', `/deployments/${owner.deploymentId}/nodes`, { key: stranger.key }),
      404,
      'not_found',
    );
  });
});
