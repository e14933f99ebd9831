import { useTestRedis } from '@backups/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type LedgerLimits,
  SnapshotLedger,
  type SnapshotRequest,
} from '../src/snapshot-admission/snapshot-ledger.js';
import { waitFor } from './harness/wait.js';

// The admission ledger against a real Redis: capacity, fair order, lapsing
// grants, per-volume rules, and the rebuild after Redis lost it.

const redis = useTestRedis();
const LIMITS: LedgerLimits = {
  regionCap: 4,
  perVolumeMax: 5,
  volumeSpacingMs: 0,
  grantMs: 60_000,
  holdMs: 60_000,
  retryMs: 100,
};
let n = 0;
/** Each test has its own region, so each starts from an empty ledger. */
const newRegion = () => `test-${++n}`;
const request = (backup: number, tenant: number, volumes = 2): SnapshotRequest => ({
  backupId: BigInt(backup),
  deploymentId: BigInt(1000 + backup),
  tenantId: BigInt(tenant),
  volumeIds: Array.from({ length: volumes }, (_, i) => `vol-${backup}-${i}`),
});

/** A ledger made ready as a poller's first tick would: a read, then a sync of what Postgres has in flight. */
async function readyLedger(
  limits: Partial<LedgerLimits> = {},
): Promise<{ ledger: SnapshotLedger; region: string }> {
  const ledger = new SnapshotLedger(redis.connection(), redis.prefix, { ...LIMITS, ...limits });
  const region = newRegion();
  await ledger.sync(region, [], await ledger.readState(region));
  return { ledger, region };
}

describe('the snapshot admission ledger', () => {
  let shared: SnapshotLedger;
  beforeAll(() => {
    shared = new SnapshotLedger(redis.connection(), redis.prefix, LIMITS);
  });

  it('refuses to admit anything until a poller has built it from Postgres', async () => {
    const region = newRegion();
    expect((await shared.reserve(region, request(1, 1))).verdict).toEqual({ kind: 'rebuild' });
    await shared.sync(region, [], await shared.readState(region));
    expect((await shared.reserve(region, request(1, 1))).verdict).toEqual({ kind: 'granted' });
  });

  it('grants up to the cap, queues the rest, and hands freed room to the head of the queue', async () => {
    const { ledger, region } = await readyLedger();
    expect((await ledger.reserve(region, request(1, 1))).verdict.kind).toBe('granted');
    expect((await ledger.reserve(region, request(2, 1))).verdict.kind).toBe('granted');
    expect((await ledger.reserve(region, request(3, 1))).verdict.kind).toBe('queued');
    // Asking again keeps its place rather than jumping or doubling it.
    expect((await ledger.reserve(region, request(3, 1))).verdict.kind).toBe('queued');
    expect(await ledger.status(region)).toEqual({ used: 4, waiting: 1 });

    const granted = await ledger.release(region, 1n);
    expect(granted).toEqual([{ backupId: 3n, deploymentId: 1003n }]);
    expect(await ledger.status(region)).toEqual({ used: 4, waiting: 0 });
    // The woken backup finds its grant waiting for it.
    expect((await ledger.reserve(region, request(3, 1))).verdict.kind).toBe('granted');
  });

  it("serves tenants in turn, so one tenant's many deployments cannot starve another's one", async () => {
    const { ledger, region } = await readyLedger({ regionCap: 2 });
    expect((await ledger.reserve(region, request(1, 1))).verdict.kind).toBe('granted');
    for (let b = 2; b <= 6; b++)
      expect((await ledger.reserve(region, request(b, 1))).verdict.kind).toBe('queued');
    expect((await ledger.reserve(region, request(7, 2))).verdict.kind).toBe('queued');

    const order: bigint[] = [];
    let holder = 1n;
    for (let i = 0; i < 6; i++) {
      const [next] = await ledger.release(region, holder);
      if (!next) throw new Error('nothing granted');
      order.push(next.backupId);
      holder = next.backupId;
    }
    // Tenant 2's one backup goes second, not after tenant 1's five.
    expect(order).toEqual([2n, 7n, 3n, 4n, 5n, 6n]);
  });

  it('gives an unused grant back when it lapses (its worker died and the lease passed)', async () => {
    // Long enough that the second reserve below comes before the lapse even on a busy machine.
    const { ledger, region } = await readyLedger({ regionCap: 2, grantMs: 2_000 });
    expect((await ledger.reserve(region, request(1, 1))).verdict.kind).toBe('granted');
    expect((await ledger.reserve(region, request(2, 2))).verdict.kind).toBe('queued');
    // Nobody releases backup 1: its grant lapses and the next call hands the room on.
    let granted: bigint[] = [];
    await waitFor('the lapsed grant to pass to the waiter', async () => {
      const r = await ledger.reserve(region, request(2, 2));
      granted = r.verdict.kind === 'granted' ? [2n] : [];
      return granted.length > 0;
    });
    expect(await ledger.status(region)).toEqual({ used: 2, waiting: 0 });
  });

  it('keeps a confirmed hold past the lease, until a poller sees the snapshots leave pending', async () => {
    const { ledger, region } = await readyLedger({ regionCap: 2, grantMs: 1_000 });
    const r1 = request(1, 1);
    expect((await ledger.reserve(region, r1)).verdict.kind).toBe('granted');
    const read = await ledger.readState(region);
    await ledger.confirm(region, r1);
    expect((await ledger.reserve(region, request(2, 2))).verdict.kind).toBe('queued');
    await new Promise((r) => setTimeout(r, 1_200));
    // Past the grant's lease: still held, because its snapshots were confirmed.
    expect(await ledger.status(region)).toEqual({ used: 2, waiting: 1 });

    // A poller whose read began before the confirm does not know it yet: it stays.
    await ledger.sync(region, [], read);
    expect((await ledger.status(region)).used).toBe(2);
    // One snapshot landed: the hold shrinks to the other, and the waiter still waits.
    let sync = await ledger.sync(
      region,
      [{ backupId: 1n, deploymentId: 1001n, volumeIds: ['vol-1-1'] }],
      await ledger.readState(region),
    );
    expect(sync).toEqual({ used: 1, granted: [] });
    // Both landed: the room goes to the waiter, named for waking.
    sync = await ledger.sync(
      region,
      [{ backupId: 1n, deploymentId: 1001n, volumeIds: [] }],
      await ledger.readState(region),
    );
    expect(sync).toEqual({ used: 2, granted: [{ backupId: 2n, deploymentId: 1002n }] });
  });

  it('drops a confirmed hold Postgres no longer lists, once the read began after the confirm', async () => {
    const { ledger, region } = await readyLedger();
    await ledger.confirm(region, request(1, 1));
    // Redis's clock is in ms: a read in the very same ms as the confirm counts as before it.
    await new Promise((r) => setTimeout(r, 5));
    const sync = await ledger.sync(region, [], await ledger.readState(region));
    expect(sync.used).toBe(0);
  });

  it('honours the spacing and the pending count of each volume', async () => {
    // Spacing far above the test's own run time, so the wait left is close to all of it however slow the machine.
    const { ledger, region } = await readyLedger({ volumeSpacingMs: 600_000, perVolumeMax: 1 });
    await ledger.confirm(region, request(1, 1));
    // The same volumes again at once: too soon, and already one pending each.
    const again = await ledger.reserve(region, { ...request(1, 1), backupId: 2n });
    expect(again.verdict.kind).toBe('later');
    expect(again.verdict.kind === 'later' && again.verdict.waitMs).toBeGreaterThan(500_000);
    expect(again.verdict.kind === 'later' && again.verdict.waitMs).toBeLessThanOrEqual(600_000);
    // Other volumes are not held back.
    expect((await ledger.reserve(region, request(3, 1))).verdict.kind).toBe('granted');
  });

  it('is rebuilt from Postgres after Redis lost it, and only from a read made after the loss', async () => {
    const { ledger, region } = await readyLedger();
    await ledger.confirm(region, request(1, 1));
    const before = await ledger.readState(region);
    const conn = redis.connection();
    await conn.del(...ledger.keys(region));
    expect((await ledger.reserve(region, request(2, 1))).verdict).toEqual({ kind: 'rebuild' });

    // A sync from a read that began before the loss may have missed a confirm: not ready yet.
    await ledger.sync(
      region,
      [{ backupId: 1n, deploymentId: 1001n, volumeIds: ['vol-1-0', 'vol-1-1'] }],
      before,
    );
    expect((await ledger.reserve(region, request(2, 1))).verdict).toEqual({ kind: 'rebuild' });

    // The next tick's read is after the loss: the ledger is whole again, holds included.
    await ledger.sync(
      region,
      [{ backupId: 1n, deploymentId: 1001n, volumeIds: ['vol-1-0', 'vol-1-1'] }],
      await ledger.readState(region),
    );
    expect((await ledger.reserve(region, request(2, 1))).verdict.kind).toBe('granted');
    expect((await ledger.reserve(region, request(3, 1))).verdict.kind).toBe('queued');
    expect(await ledger.status(region)).toEqual({ used: 4, waiting: 1 });
  });

  it('keeps every key of a region in one Redis Cluster hash slot', async () => {
    const { ledger, region } = await readyLedger({ regionCap: 1 });
    await ledger.reserve(region, request(1, 1));
    await ledger.reserve(region, request(2, 2));
    await ledger.confirm(region, request(1, 1));
    const conn = redis.connection();
    const keys = await conn.keys(`${redis.prefix}:*${region}*`);
    expect(keys.length).toBeGreaterThanOrEqual(6);
    // Cluster hashes only the first {...} of a key: the same tag means the same slot.
    const tags = new Set(keys.map((k) => /\{([^}]*)\}/.exec(k)?.[1]));
    expect([...tags]).toEqual([`snapshot-ledger:${region}`]);
    expect(ledger.pollerKey(region)).toContain(`{snapshot-ledger:${region}}`);
  });
});
