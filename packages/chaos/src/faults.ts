import type { Redis } from 'ioredis';
import type { ChaosDb } from './db.js';
import { type ChaosFleet, waitReady } from './fleet.js';
import type { Random } from './random.js';
import { deleteFleetKeys } from './redis-keys.js';

// The faults thrown at the fleet while the load runs: SIGKILLed workers,
// scheduler and API (each started again after a short random delay), every
// one of the fleet's Redis keys deleted (once), and its Postgres backends
// terminated. They are planned up front from the seed, spread over the load.

export const FAULT_KINDS = ['worker', 'scheduler', 'api', 'redis', 'postgres'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRecord {
  kind: FaultKind;
  at: number;
  /** The service killed, the keys deleted, the backends terminated. */
  detail: string;
  /** For a killed service: when it answered /readyz again. */
  backAt?: number;
}

/** At least one of each kind (the Redis wipe exactly once), the rest mostly worker kills. */
export function planFaults(random: Random, loadSeconds: number): FaultKind[] {
  const count = Math.max(8, Math.round(loadSeconds / 10));
  const plan: FaultKind[] = ['worker', 'worker', 'scheduler', 'api', 'postgres', 'postgres', 'postgres'];
  while (plan.length < count - 1)
    plan.push(
      random.weighted({ worker: 4, postgres: 2, api: 1.5, scheduler: 1.5 } as Record<FaultKind, number>),
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
    }
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
