/** Scripted failures and latency for tests and demos, plus per-action call counters. */
export interface FaultSpec {
  action: string;
  code: string;
  count: number;
  message?: string;
  status?: number;
}

export interface LatencySpec {
  /** Omitted: every action. */
  action?: string;
  ms: number;
}

export interface CallStats {
  total: number;
  errors: Record<string, number>;
}

export class FaultInjector {
  private faults: FaultSpec[] = [];
  private latency = new Map<string, number>();
  private allLatency = 0;

  inject(fault: FaultSpec): void {
    if (!Number.isInteger(fault.count) || fault.count < 1)
      throw new Error('count must be a positive integer');
    this.faults.push({ ...fault });
  }

  /** The next injected fault for `action`, consuming one of its remaining uses. */
  take(action: string): FaultSpec | undefined {
    const fault = this.faults.find((candidate) => candidate.action === action && candidate.count > 0);
    if (!fault) return undefined;
    fault.count -= 1;
    this.faults = this.faults.filter((candidate) => candidate.count > 0);
    return fault;
  }

  setLatency({ action, ms }: LatencySpec): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error('ms must be a non-negative number');
    if (action === undefined) this.allLatency = ms;
    else this.latency.set(action, ms);
  }

  latencyFor(action: string): number {
    return this.latency.get(action) ?? this.allLatency;
  }

  pending(): FaultSpec[] {
    return this.faults.map((fault) => ({ ...fault }));
  }

  clear(): void {
    this.faults = [];
    this.latency.clear();
    this.allLatency = 0;
  }
}

export class CallCounters {
  private stats = new Map<string, CallStats>();

  record(action: string, errorCode?: string): void {
    let stats = this.stats.get(action);
    if (!stats) {
      stats = { total: 0, errors: {} };
      this.stats.set(action, stats);
    }
    stats.total += 1;
    if (errorCode !== undefined) stats.errors[errorCode] = (stats.errors[errorCode] ?? 0) + 1;
  }

  snapshot(): Record<string, CallStats> {
    return Object.fromEntries(
      [...this.stats].map(([action, stats]) => [action, { ...stats, errors: { ...stats.errors } }]),
    );
  }

  clear(): void {
    this.stats.clear();
  }
}
