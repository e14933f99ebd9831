import { Ec2CallCounter } from './call-counter.js';
import { Ec2Adapter, type Ec2AdapterOptions } from './ec2.adapter.js';

/** One adapter (one SDK client) per region, created on first use, sharing one call counter. */
export class Ec2Regions {
  readonly counter: Ec2CallCounter;
  private readonly adapters = new Map<string, Ec2Adapter>();

  constructor(
    private readonly base: Omit<Ec2AdapterOptions, 'region' | 'counter'> & { counter?: Ec2CallCounter },
  ) {
    this.counter = base.counter ?? new Ec2CallCounter();
  }

  forRegion(region: string): Ec2Adapter {
    let adapter = this.adapters.get(region);
    if (!adapter) {
      adapter = new Ec2Adapter({ ...this.base, region, counter: this.counter });
      this.adapters.set(region, adapter);
    }
    return adapter;
  }

  destroy(): void {
    for (const a of this.adapters.values()) a.destroy();
    this.adapters.clear();
  }
}
