/**
 * Virtual time. Every duration the emulator models (snapshot runtime, state transitions,
 * per-volume spacing, token refill) is nominal AWS time; the virtual clock runs `1 / timeScale`
 * times faster than the wall clock, so a 15-minute snapshot takes 0.9 s at `timeScale` 0.001.
 * Changing the scale re-anchors the clock so time already elapsed is kept.
 */
export class ScaledClock {
  private anchorReal: number;
  private anchorVirtual: number;

  constructor(
    private scale: number,
    private readonly realNow: () => number = Date.now,
  ) {
    assertTimeScale(scale);
    this.anchorReal = realNow();
    this.anchorVirtual = this.anchorReal;
  }

  get timeScale(): number {
    return this.scale;
  }

  /** Nominal (virtual) milliseconds. */
  now(): number {
    return this.anchorVirtual + (this.realNow() - this.anchorReal) / this.scale;
  }

  /** The wall-clock date at which virtual instant `virtualMs` happens (or happened). */
  toDate(virtualMs: number): Date {
    return new Date(this.anchorReal + (virtualMs - this.anchorVirtual) * this.scale);
  }

  setTimeScale(scale: number): void {
    assertTimeScale(scale);
    const virtualNow = this.now();
    this.anchorReal = this.realNow();
    this.anchorVirtual = virtualNow;
    this.scale = scale;
  }
}

function assertTimeScale(scale: number): void {
  if (!Number.isFinite(scale) || scale <= 0)
    throw new Error(`timeScale must be a positive number, got ${scale}`);
}
