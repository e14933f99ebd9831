import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiResponse,
  expectError,
  expectStatus,
  queuedJobs,
  type Seeded,
  seedBackup,
  seedDeployment,
  seedTenant,
  useApi,
} from './harness.js';

// The tenant-scoped routes check that the deployment in the path is the
// caller's; these tests check that the id after it must also belong to THAT
// deployment. Tenant T has deployments A and B; B's backup, restore and upgrade
// ids used under A's path must get exactly the answer an unknown id gets, and
// change nothing anywhere.

const api = useApi();

/** An id no row has. */
const UNKNOWN_ID = 9223372036854775000n;

interface OtherDeployment {
  deploymentId: bigint;
  /** A completed backup nothing else uses, one being restored, and the upgrade's pre-upgrade backup. */
  backupIds: bigint[];
  restoreId: bigint;
  upgradeId: bigint;
}

let t: Seeded;
let b: OtherDeployment;
let stateBefore: unknown;
let jobsBefore: unknown;

/** The id at the end of a Location header. */
function locationId(res: ApiResponse): bigint {
  expectStatus(res, 204);
  return BigInt(res.headers.get('location')?.split('/').pop() ?? '0');
}

/** Every row the id routes could touch, for both deployments. */
async function tenantState(): Promise<unknown> {
  const em = api.em();
  const rows = (sql: string) => em.execute(sql, [t.tenantId]);
  const ofTenant = 'deployment_id in (select id from deployments where tenant_id = ?)';
  return {
    backups: await rows(
      `select id::text, deployment_id::text, status, deleted_at from backups where ${ofTenant} order by id`,
    ),
    restores: await rows(
      `select id::text, deployment_id::text, backup_id::text, status from restores where ${ofTenant} order by id`,
    ),
    upgrades: await rows(
      `select id::text, deployment_id::text, status from upgrades where ${ofTenant} order by id`,
    ),
    operations: await rows(
      `select id::text, deployment_id::text, kind, status from operations where ${ofTenant} order by id`,
    ),
  };
}

async function allQueuedJobs(): Promise<unknown> {
  return { operations: await queuedJobs(api, 'operations'), deletes: await queuedJobs(api, 'deletes') };
}

beforeAll(async () => {
  const em = api.em();
  t = await seedTenant(em);
  // A has a backup of its own, so its routes have something to find.
  await seedBackup(em, t.deploymentId, { status: 'completed' });
  const { deploymentId } = await seedDeployment(em, t.tenantId);
  const idle = await seedBackup(em, deploymentId, { status: 'completed' });
  const restored = await seedBackup(em, deploymentId, { status: 'completed' });
  const restoreId = locationId(
    await api.request('POST', `/deployments/${deploymentId}/backups/${restored}/restore`, { key: t.key }),
  );
  const upgradeId = locationId(
    await api.request('POST', `/deployments/${deploymentId}/upgrade`, {
      key: t.key,
      body: { target_version: '0.5.0' },
    }),
  );
  const [preUpgrade] = await em.execute<Array<{ id: string }>>(
    "select id::text from backups where deployment_id = ? and backup_type = 'pre_upgrade'",
    [deploymentId],
  );
  b = { deploymentId, backupIds: [idle, restored, BigInt(preUpgrade?.id ?? '0')], restoreId, upgradeId };
  stateBefore = await tenantState();
  jobsBefore = await allQueuedJobs();
});

interface IdRoute {
  method: 'GET' | 'POST' | 'DELETE';
  path: (deploymentId: bigint, id: bigint) => string;
  /** B's ids this route takes. */
  ids: () => bigint[];
}

const ID_ROUTES: Record<string, IdRoute> = {
  'get backup': {
    method: 'GET',
    path: (d, id) => `/deployments/${d}/backups/${id}`,
    ids: () => b.backupIds,
  },
  'delete backup': {
    method: 'DELETE',
    path: (d, id) => `/deployments/${d}/backups/${id}`,
    ids: () => b.backupIds,
  },
  'restore backup': {
    method: 'POST',
    path: (d, id) => `/deployments/${d}/backups/${id}/restore`,
    ids: () => b.backupIds,
  },
  'get restore': {
    method: 'GET',
    path: (d, id) => `/deployments/${d}/restores/${id}`,
    ids: () => [b.restoreId],
  },
  'get upgrade': {
    method: 'GET',
    path: (d, id) => `/deployments/${d}/upgrades/${id}`,
    ids: () => [b.upgradeId],
  },
};

describe('ids of another deployment of the same tenant', () => {
  it("are found under their own deployment's path (so the refusals below are about the path)", async () => {
    const own = [
      ...b.backupIds.map((id) => `/deployments/${b.deploymentId}/backups/${id}`),
      `/deployments/${b.deploymentId}/restores/${b.restoreId}`,
      `/deployments/${b.deploymentId}/upgrades/${b.upgradeId}`,
    ];
    for (const path of own) expectStatus(await api.request('GET', path, { key: t.key }), 200);
  });

  it.each(Object.entries(ID_ROUTES))(
    '%s: answers 404 not_found exactly as for an unknown id, and changes nothing',
    async (_name, route) => {
      const unknown = await api.request(route.method, route.path(t.deploymentId, UNKNOWN_ID), { key: t.key });
      expectError(unknown, 404, 'not_found');
      const unknownMessage = (unknown.json as { error: { message: string } }).error.message;
      for (const id of route.ids()) {
        const res = await api.request(route.method, route.path(t.deploymentId, id), { key: t.key });
        expectError(res, 404, 'not_found');
        const message = (res.json as { error: { message: string } }).error.message;
        expect(message.replace(id.toString(), 'ID')).toBe(
          unknownMessage.replace(UNKNOWN_ID.toString(), 'ID'),
        );
      }
      // No row of either deployment changed (B's backups still there), and no job was queued.
      expect(await tenantState()).toEqual(stateBefore);
      expect(await allQueuedJobs()).toEqual(jobsBefore);
    },
  );
});
