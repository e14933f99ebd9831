import { describe, expect, it } from 'vitest';
import { ScaledClock } from './scaled-clock.js';

describe('ScaledClock', () => {
  it('runs 1/timeScale times faster than the wall clock', () => {
    let real = 1_000;
    const clock = new ScaledClock(0.001, () => real);
    const start = clock.now();
    real += 1;
    expect(clock.now() - start).toBe(1_000);
  });

  it('keeps elapsed virtual time when the scale changes', () => {
    let real = 0;
    const clock = new ScaledClock(0.5, () => real);
    real += 10; // 20 virtual ms
    clock.setTimeScale(0.1);
    real += 10; // 100 virtual ms
    expect(clock.now()).toBe(120);
  });

  it('maps virtual instants back to wall-clock dates', () => {
    let real = 5_000;
    const clock = new ScaledClock(0.01, () => real);
    const virtual = clock.now() + 1_000; // 10 real ms later
    real += 3;
    expect(clock.toDate(virtual).getTime()).toBe(5_010);
  });

  it('refuses a non-positive scale', () => {
    expect(() => new ScaledClock(0)).toThrow(/positive/);
  });
});
