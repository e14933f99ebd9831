import type { Logger } from '@backups/shared';
import { regionsWithBackupsInProgress } from '@backups/shared/backups';
import type { Orm } from '@backups/shared/db';
import type { Ec2Regions } from '@backups/shared/ec2';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';
import type { CrashPoint } from '../env.js';
import type { SnapshotLedger } from '../snapshot-admission/snapshot-ledger.js';
import { pollRegion, type TickResult } from './poll-region.js';

export interface SnapshotPollersDeps {
  orm: Orm;
  ec2: Ec2Regions;
  redis: Redis;
  ledger: SnapshotLedger;
  wake: (deploymentIds: readonly bigint[]) => Promise<void>;
  log: Logger;
  tickMs: number;
  /** Identifies this process as a region's poller. */
  workerId: string;
  crashPoint: (point: CrashPoint) => void;
  /** Told after each tick this process ran (metrics). */
  onTick?: (region: string, result: TickResult) => void;
}

// Take the lease if free, or extend it if it is ours; anything else means
// another process polls the region.
const LEAD = `
local holder = redis.call('GET', KEYS[1])
if holder == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`;
const RESIGN = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * Every worker process runs this loop; for each region with backups in
 * progress, exactly one of them (the holder of the region's lease in Redis)
 * polls it per tick. A holder that dies is replaced once its lease lapses
 * (three ticks). Two pollers of one region would only describe the same
 * snapshots twice: every write they make is idempotent.
 */
export class SnapshotPollers {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly leading = new Set<string>();

  constructor(private readonly deps: SnapshotPollersDeps) {}

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    // Hand the regions over now rather than after the lease lapses.
    await Promise.all(
      [...this.leading].map((region) =>
        this.deps.redis
          .eval(RESIGN, 1, this.deps.ledger.pollerKey(region), this.deps.workerId)
          .catch(() => undefined),
      ),
    );
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const started = Date.now();
      this.running = this.tick().finally(() => {
        this.running = undefined;
        // A fixed rate, not a fixed pause: the time a tick takes is not added to how
        // late the next one notices a snapshot that landed (and frees its room). A
        // slow tick still leaves a quarter tick of rest, so it never spins.
        const { tickMs } = this.deps;
        this.schedule(Math.max(tickMs / 4, tickMs - (Date.now() - started)));
      });
    }, delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const { deps } = this;
    try {
      const em = deps.orm.em.fork() as EntityManager;
      const regions = await regionsWithBackupsInProgress(em);
      for (const region of regions) {
        if (this.stopped) return;
        if (!(await this.lead(region))) continue;
        const result = await pollRegion(
          {
            em: deps.orm.em.fork() as EntityManager,
            ec2: deps.ec2.forRegion(region),
            ledger: deps.ledger,
            wake: deps.wake,
            log: deps.log,
            crashPoint: deps.crashPoint,
          },
          region,
        );
        deps.onTick?.(region, result);
      }
    } catch (err) {
      // Postgres or Redis away, EC2 refusing: the next tick tries again.
      deps.log.warn({ err }, 'snapshot poller tick failed');
    }
  }

  private async lead(region: string): Promise<boolean> {
    const leaseMs = this.deps.tickMs * 3 + 2_000;
    const held =
      Number(
        await this.deps.redis.eval(LEAD, 1, this.deps.ledger.pollerKey(region), this.deps.workerId, leaseMs),
      ) === 1;
    if (held) this.leading.add(region);
    else this.leading.delete(region);
    return held;
  }
}
