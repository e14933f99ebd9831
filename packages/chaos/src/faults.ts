import { MANAGED_BY_VALUE, TAG_MANAGED_BY } from '@backups/shared/ec2';
import type { Redis } from 'ioredis';
import type { ChaosDb } from './db.js';
import { type ChaosFleet, waitReady } from './fleet.js';
import type { Random } from './random.js';
import { deleteFleetKeys } from './redis-keys.js';

// The faults thrown at the fleet while the load runs: SIGKILLed workers,
// scheduler and API (each started again after a short random delay), every
// one of the fleet's Redis keys deleted (once), its Postgres backends
// terminated, and (so that backups, restores and upgrades fail, and restores
// roll back, not only complete) one of our snapshots or restored volumes in
// flight put in EC2's `error` state, or the next AttachVolume refused. They are planned up front from the seed, spread over the load.

export const FAULT_KINDS = ['worker', 'scheduler', 'api', 'redis', 'postgres', 'ec2'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRecord {
  kind: FaultKind;
  at: number;
  /** The service killed, the keys deleted, the backends terminated, the EC2 resource failed. */
  detail: string;
  /** For a killed service: when it answered /readyz again. */
  backAt?: number;
}

/** At least one of each kind (the Redis wipe exactly once), the rest mostly worker kills. */
export function planFaults(random: Random, loadSeconds: number): FaultKind[] {
  const count = Math.max(12, Math.round(loadSeconds / 7));
  const plan: FaultKind[] = [
    'worker',
    'worker',
    'scheduler',
    'api',
    'postgres',
    'postgres',
    'postgres',
    'ec2',
    'ec2',
  ];
  while (plan.length < count - 1)
    plan.push(
      random.weighted({ worker: 4, postgres: 2, api: 1.5, scheduler: 1.5, ec2: 1.5 } as Record<
        FaultKind,
        number
      >),
    );
  random.shuffle(plan);
  // The Redis wipe lands in the middle half of the load, with work in flight before and after it.
  plan.splice(random.int(Math.floor(plan.length / 4), Math.ceil((plan.length * 3) / 4)), 0, 'redis');
  return plan;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class FaultInjector {
  readonly records: FaultRecord[] = [];
  private readonly restarts = new Set<Promise<void>>();
  private ec2Faults = 0;

  constructor(
    private readonly chaos: ChaosFleet,
    private readonly db: ChaosDb,
    private readonly redis: Redis,
    private readonly random: Random,
  ) {}

  /** Runs the plan spread evenly (with jitter) over `durationMs`; returns once the last fault is thrown. */
  async run(plan: FaultKind[], durationMs: number, stopped: () => boolean): Promise<void> {
    const start = Date.now();
    const slot = durationMs / plan.length;
    for (const [i, kind] of plan.entries()) {
      const due = start + slot * i + this.random.next() * slot * 0.8;
      while (Date.now() < due && !stopped()) await sleep(Math.min(250, due - Date.now()));
      if (stopped()) return;
      await this.throwFault(kind);
    }
  }

  /** Resolves once every killed service has been started again and is ready. */
  async restarted(): Promise<void> {
    while (this.restarts.size) await Promise.all([...this.restarts]);
  }

  private async throwFault(kind: FaultKind): Promise<void> {
    switch (kind) {
      case 'worker': {
        const running = this.chaos.workers.filter((w) => this.chaos.fleet.running().includes(w));
        if (running.length) await this.kill(kind, this.random.pick(running));
        return;
      }
      case 'scheduler':
      case 'api':
        if (this.chaos.fleet.running().includes(kind)) await this.kill(kind, kind);
        return;
      case 'redis':
        this.records.push({
          kind,
          at: Date.now(),
          detail: `${await deleteFleetKeys(this.redis, this.chaos.prefix)} keys`,
        });
        return;
      case 'postgres':
        this.records.push({
          kind,
          at: Date.now(),
          detail: `${await this.db.terminateFleetBackends()} backends`,
        });
        return;
      case 'ec2': {
        // Every third EC2 fault (the second, fifth…) refuses the next AttachVolume
        // instead: a restore then fails with its nodes stopped and must roll back
        // (an upgrade never attaches).
        if (this.ec2Faults++ % 3 === 1) {
          this.chaos.emulator.emulator.faults.inject({
            action: 'AttachVolume',
            code: 'InvalidParameterValue',
            count: 1,
            message: 'refused on purpose by the chaos soak',
          });
          this.records.push({ kind, at: Date.now(), detail: 'next AttachVolume refused' });
          return;
        }
        const failed = await this.failInFlight();
        if (failed) this.records.push({ kind, at: Date.now(), detail: failed });
        return;
      }
    }
  }

  /**
   * Puts one of our snapshots still pending, or one of our restored volumes
   * still being created, in EC2's `error` state; the id, or null when nothing
   * of ours was in flight for a few seconds. The emulator runs in this
   * process: reading its state and failing the resource in the same tick
   * means nothing finishes in between.
   */
  private async failInFlight(): Promise<string | null> {
    const ours = (tags: Record<string, string>) => tags[TAG_MANAGED_BY] === MANAGED_BY_VALUE;
    const model = this.chaos.emulator.emulator;
    // A restored volume is `creating` for a moment only: half the time one is waited for (up to 5 s).
    const volumeFirst = this.random.chance(0.5);
    for (let look = 0; look < 50; look++) {
      const state = model.state();
      const snapshots = state.snapshots
        .filter((s) => s.state === 'pending' && ours(s.tags))
        .map((s) => s.snapshotId);
      const volumes = state.volumes
        .filter((v) => v.state === 'creating' && ours(v.tags))
        .map((v) => v.volumeId);
      // The preferred kind; the other one at once if snapshots were preferred, on the last look if volumes were.
      let pool = volumeFirst ? volumes : snapshots;
      if (!pool.length && (!volumeFirst || look === 49)) pool = volumeFirst ? snapshots : volumes;
      if (pool.length) {
        const id = this.random.pick(pool);
        model.failResource(id, 'failed on purpose by the chaos soak');
        return id;
      }
      await sleep(100);
    }
    return null;
  }

  private async kill(kind: FaultKind, name: string): Promise<void> {
    const record: FaultRecord = { kind, at: Date.now(), detail: name };
    this.records.push(record);
    await this.chaos.fleet.killService(name);
    const delayMs = this.random.int(1000, 6000);
    const restart = (async () => {
      await sleep(delayMs);
      if (!this.chaos.fleet.running().includes(name)) this.chaos.fleet.restart(name);
      const url = this.chaos.readyUrls.get(name);
      if (url && (await waitReady(url, 120_000))) record.backAt = Date.now();
    })().finally(() => this.restarts.delete(restart));
    this.restarts.add(restart);
  }
}
