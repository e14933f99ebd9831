export type Ec2CallOutcome = 'ok' | 'throttled' | 'not_found' | 'error';

export interface Ec2CallCount {
  action: string;
  outcome: Ec2CallOutcome;
  count: number;
}

/**
 * EC2 calls made by this process, by action and outcome. Kept in-process and
 * cheap; the worker also mirrors each call into `backups_ec2_calls_total`.
 */
export class Ec2CallCounter {
  private readonly counts = new Map<string, Ec2CallCount>();

  /** `onRecord` sees every call as it is counted (the worker feeds its Prometheus counter with it). */
  constructor(private readonly onRecord?: (action: string, outcome: Ec2CallOutcome) => void) {}

  record(action: string, outcome: Ec2CallOutcome): void {
    this.onRecord?.(action, outcome);
    const key = `${action}\u0000${outcome}`;
    const entry = this.counts.get(key);
    if (entry) entry.count += 1;
    else this.counts.set(key, { action, outcome, count: 1 });
  }

  snapshot(): Ec2CallCount[] {
    return [...this.counts.values()].map((c) => ({ ...c }));
  }

  total(filter?: { action?: string; outcome?: Ec2CallOutcome }): number {
    let sum = 0;
    for (const c of this.counts.values()) {
      if (filter?.action && c.action !== filter.action) continue;
      if (filter?.outcome && c.outcome !== filter.outcome) continue;
      sum += c.count;
    }
    return sum;
  }

  reset(): void {
    this.counts.clear();
  }
}
