import { createLogger } from '@backups/shared';
import { Ec2Regions } from '@backups/shared/ec2';
import type { EntityManager } from '@mikro-orm/postgresql';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { driveDeployment } from '../src/operations/drive.js';
import { operationHandlers } from '../src/operations/handlers.js';
import { SnapshotLedger } from '../src/snapshot-admission/snapshot-ledger.js';
import { pollRegion } from '../src/snapshot-poller/poll-region.js';
import { row, useTestFleet } from './harness/fleet.js';
import { REGION, requestBackup, seedDeployment } from './harness/seed.js';
import { waitFor } from './harness/wait.js';

// The worker's hot path in Postgres round trips: the figure the fast path was
// built on (41 per backup before it), counted at the driver, so a change that
// adds a query to every backup fails here rather than only in a benchmark.

const fleet = useTestFleet({ timeScale: 0.0002 });
const log = createLogger({ service: 'round-trips-test', level: 'silent', pretty: false });

// Every statement the pg driver sends from this process (BEGIN and COMMIT included).
let queries = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  queries++;
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;
afterAll(() => {
  pg.Client.prototype.query = query;
});

describe('a backup on the normal path', () => {
  it('costs at most 10 Postgres round trips in its two drive runs', async () => {
    const em = fleet.em() as EntityManager;
    const d = await seedDeployment(em, fleet.emu.endpoint, { volumesPerNode: 2 });
    await requestBackup(em, null, d.deploymentId);
    const ec2 = new Ec2Regions({
      endpoint: fleet.emu.endpoint,
      credentials: { accessKeyId: 't', secretAccessKey: 't' },
    });
    const ledger = new SnapshotLedger(fleet.redis.connection(), fleet.redis.prefix, {
      regionCap: 100,
      perVolumeMax: 5,
      volumeSpacingMs: 0,
      grantMs: 30_000,
      holdMs: 60_000,
      retryMs: 10,
    });
    const deps = {
      orm: fleet.db.orm,
      ec2,
      handlers: operationHandlers(),
      log,
      leaseMs: 30_000,
      pollMs: 200,
      waitMs: 60_000,
      ledger,
      wake: async () => undefined,
      workerId: 'round-trips',
      crashPoint: () => undefined,
      stopping: () => false,
    };
    const poll = () =>
      pollRegion(
        {
          em: fleet.db.orm.em.fork() as EntityManager,
          ec2: ec2.forRegion(REGION),
          ledger,
          wake: deps.wake,
          log,
          crashPoint: deps.crashPoint,
        },
        REGION,
      );
    try {
      // The ledger is built by a poller's first tick; a real fleet has one running.
      await poll();
      queries = 0;
      // Run 1: start, plan, room, intent, CreateSnapshots, ids; then it sleeps.
      expect(await driveDeployment(deps, d.deploymentId)).toMatchObject({ kind: 'later' });
      const first = queries;
      await waitFor('the snapshots landed', async () => (await poll()).landed === 1);
      queries = 0;
      // Run 2, woken by the poller: complete and close.
      expect(await driveDeployment(deps, d.deploymentId)).toEqual({ kind: 'idle' });
      const second = queries;
      expect(await row<{ status: string }>(em, 'select status from backups')).toEqual({
        status: 'completed',
      });
      expect(first + second, `run 1: ${first}, run 2: ${second}`).toBeLessThanOrEqual(10);
    } finally {
      ec2.destroy();
    }
  });
});
