import type { Redis } from 'ioredis';
import { CONFIRM, LEDGER_KEY_NAMES, READ_STATE, RELEASE, RESERVE, STATUS, SYNC } from './ledger-scripts.js';

/** How the fleet paces its own snapshot creation in one region. */
export interface LedgerLimits {
  /** Snapshots pending at once in a region (the account's quota, or less to leave room for others). */
  regionCap: number;
  /** EBS allows this many pending snapshots of one volume. */
  perVolumeMax: number;
  /** EBS wants this much time between two snapshots of one volume. */
  volumeSpacingMs: number;
  /** A grant (not yet used) lapses after this: the lease of the operation that asked. */
  grantMs: number;
  /** A confirmed hold lapses after this unless a poller renews it (a poller-less fleet must not hold capacity forever). */
  holdMs: number;
  /** When a volume's pending count is full, ask again after this. */
  retryMs: number;
}

/** A backup asking for room for its snapshots. */
export interface SnapshotRequest {
  backupId: bigint;
  deploymentId: bigint;
  tenantId: bigint;
  volumeIds: readonly string[];
}

/** Someone the ledger just gave capacity to: their operation must be woken. */
export interface Granted {
  backupId: bigint;
  deploymentId: bigint;
}

export type ReserveVerdict =
  | { kind: 'granted' }
  /** In the fair queue: a grant will wake the operation. */
  | { kind: 'queued' }
  /** A per-volume rule says not yet: ask again after waitMs. */
  | { kind: 'later'; waitMs: number }
  /** Redis lost the ledger; a poller rebuilds it from Postgres before anyone may start a snapshot. */
  | { kind: 'rebuild' };

/** What a poller read from Postgres about one backup's snapshots in flight. */
export interface InFlight {
  backupId: bigint;
  deploymentId: bigint;
  /** Volumes whose snapshots are still pending (or requested and not yet recorded). */
  volumeIds: readonly string[];
}

/**
 * The fleet-wide, per-region ledger of snapshots in flight. Redis holds it so
 * every worker admits against the same count in one round trip; Postgres holds
 * the truth (which snapshots were requested and are still pending), and each
 * poller tick rewrites the ledger's confirmed holds from it, so a lost or
 * drifted ledger heals within a tick, and a lost one is rebuilt before anyone
 * may start a snapshot.
 */
export class SnapshotLedger {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly limits: LedgerLimits,
  ) {}

  /** The region's keys: one hash tag per region, so each script stays in one Cluster slot. */
  keys(region: string): string[] {
    return LEDGER_KEY_NAMES.map((name) => `${this.prefix}:{snapshot-ledger:${region}}:${name}`);
  }

  /** The key of the region's poller lease (same hash tag as the ledger). */
  pollerKey(region: string): string {
    return `${this.prefix}:{snapshot-ledger:${region}}:poller`;
  }

  async reserve(
    region: string,
    req: SnapshotRequest,
  ): Promise<{ verdict: ReserveVerdict; granted: Granted[] }> {
    const l = this.limits;
    const [verdict, waitMs, granted] = (await this.run(
      RESERVE,
      region,
      req.backupId.toString(),
      req.volumeIds.length,
      JSON.stringify(req.volumeIds),
      req.deploymentId.toString(),
      req.tenantId.toString(),
      l.regionCap,
      l.grantMs,
      l.perVolumeMax,
      l.volumeSpacingMs,
      l.retryMs,
    )) as [string, number, string[]];
    const others = pairs(granted).filter((g) => g.backupId !== req.backupId);
    switch (verdict) {
      case 'granted':
        return { verdict: { kind: 'granted' }, granted: others };
      case 'queued':
        return { verdict: { kind: 'queued' }, granted: others };
      case 'later':
        return { verdict: { kind: 'later', waitMs: Number(waitMs) }, granted: others };
      case 'rebuild':
        return { verdict: { kind: 'rebuild' }, granted: others };
      default:
        throw new Error(`snapshot ledger: unexpected verdict ${verdict}`);
    }
  }

  /** Right before CreateSnapshots: the hold now stands for pending snapshots, and each volume's spacing starts. */
  async confirm(region: string, req: Omit<SnapshotRequest, 'tenantId'>): Promise<void> {
    await this.run(
      CONFIRM,
      region,
      req.backupId.toString(),
      req.volumeIds.length,
      JSON.stringify(req.volumeIds),
      req.deploymentId.toString(),
      this.limits.holdMs,
    );
  }

  /** Gives back a backup's hold or its place in the queue (it failed, or finished without the poller). */
  async release(region: string, backupId: bigint): Promise<Granted[]> {
    const granted = (await this.run(
      RELEASE,
      region,
      backupId.toString(),
      this.limits.regionCap,
      this.limits.grantMs,
    )) as string[];
    return pairs(granted);
  }

  /** Redis's clock and whether the ledger is ready, read before Postgres on each poller tick. */
  async readState(region: string): Promise<{ nowMs: number; ready: boolean }> {
    const [nowMs, ready] = (await this.run(READ_STATE, region)) as [number, string];
    return { nowMs: Number(nowMs), ready: ready === '1' };
  }

  /** The poller's write: what Postgres has in flight becomes the confirmed holds. */
  async sync(
    region: string,
    inFlight: readonly InFlight[],
    read: { nowMs: number; ready: boolean },
  ): Promise<{ used: number; granted: Granted[] }> {
    const l = this.limits;
    const entries = inFlight.map((f) => ({
      b: f.backupId.toString(),
      n: f.volumeIds.length,
      v: f.volumeIds,
      d: f.deploymentId.toString(),
    }));
    const [used, granted] = (await this.run(
      SYNC,
      region,
      JSON.stringify(entries),
      read.ready ? '1' : '0',
      read.nowMs,
      l.holdMs,
      l.regionCap,
      l.grantMs,
      l.volumeSpacingMs,
    )) as [number, string[]];
    return { used: Number(used), granted: pairs(granted) };
  }

  /** Snapshots held and backups waiting, for metrics and tests. */
  async status(region: string): Promise<{ used: number; waiting: number }> {
    const [used, waiting] = (await this.run(STATUS, region)) as [number, number];
    return { used: Number(used), waiting: Number(waiting) };
  }

  private run(script: string, region: string, ...args: (string | number)[]): Promise<unknown> {
    const keys = this.keys(region);
    // Registered once per connection: ioredis then sends EVALSHA (the script's
    // hash, not its text) and reloads the script itself after a Redis restart.
    const name = `snapshotLedger${SCRIPT_NAMES.get(script)}`;
    const commands = this.redis as unknown as Record<string, (...a: (string | number)[]) => Promise<unknown>>;
    if (typeof commands[name] !== 'function')
      this.redis.defineCommand(name, { numberOfKeys: LEDGER_KEY_NAMES.length, lua: script });
    return (commands[name] as (...a: (string | number)[]) => Promise<unknown>).call(
      this.redis,
      ...keys,
      ...args,
    );
  }
}

const SCRIPT_NAMES = new Map([
  [RESERVE, 'Reserve'],
  [CONFIRM, 'Confirm'],
  [RELEASE, 'Release'],
  [SYNC, 'Sync'],
  [READ_STATE, 'ReadState'],
  [STATUS, 'Status'],
]);

// Lua's `cjson.encode` turns an empty table into `{}`; the scripts return flat
// {backupId, deploymentId, ...} arrays instead, which Redis replies as lists.
function pairs(flat: readonly string[] | undefined): Granted[] {
  const out: Granted[] = [];
  for (let i = 0; i + 1 < (flat?.length ?? 0); i += 2)
    out.push({ backupId: BigInt(flat?.[i] ?? 0), deploymentId: BigInt(flat?.[i + 1] ?? 0) });
  return out;
}
