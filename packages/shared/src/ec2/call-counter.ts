export type Ec2CallOutcome = 'ok' | 'throttled' | 'not_found' | 'error';

export interface Ec2CallCount {
  action: string;
  outcome: Ec2CallOutcome;
  count: number;
}

/**
 * EC2 calls made by this process, by action and outcome. Kept in-process and
 * cheap; the metrics endpoint turns `snapshot()` into a Prometheus counter.
 */
export class Ec2CallCounter {
  private readonly counts = new Map<string, Ec2CallCount>();

  record(action: string, outcome: Ec2CallOutcome): void {
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
