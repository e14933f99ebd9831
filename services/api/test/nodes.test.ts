import { describe, expect, it } from 'vitest';
import { expectError, expectStatus, seedTenant, useApi } from './harness.js';

// The node list is what the Console's node selector offers; its ids must be
// the ones a create's node_id accepts.

const api = useApi();

describe('GET /deployments/{id}/nodes', () => {
  it("lists the deployment's nodes in registration order, with exact int64 ids", async () => {
    const t = await seedTenant(api.em(), { deploymentId: 9007199254740993n });
    // A node id beyond 2^53, registered last: a Number() anywhere on the way would round it.
    const big = 9007199254740995n;
    await api
      .em()
      .execute(
        "insert into nodes (id, deployment_id, name, instance_id, availability_zone) values (?, ?, 'node-3', 'i-0big000000000003', 'us-west-1c')",
        [big, t.deploymentId],
      );
    const res = await api.request('GET', `/deployments/${t.deploymentId}/nodes`, { key: t.key });
    expectStatus(res, 200);
    expect(res.text).toContain(`{"id":${t.nodeIds[0]},"name":"node-1","availability_zone":"us-west-1a"}`);
    expect(res.text).toContain(`{"id":${big},"name":"node-3","availability_zone":"us-west-1c"}`);
    expect((res.json as unknown[]).map((n) => (n as { name: string }).name)).toEqual([
      'node-1',
      'node-2',
      'node-3',
    ]);
    // Nothing of the EC2 account behind the node.
    expect(res.text).not.toMatch(/i-[0-9a-f]+|vol-/);

    const nodeId = big;
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
