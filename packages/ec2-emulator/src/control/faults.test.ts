import { describe, expect, it } from 'vitest';
import { CallCounters, FaultInjector } from './faults.js';

describe('FaultInjector', () => {
  it('fails the next N calls of an action, then stops', () => {
    const faults = new FaultInjector();
    faults.inject({ action: 'CreateSnapshots', code: 'RequestLimitExceeded', count: 2 });
    expect(faults.take('DescribeSnapshots')).toBeUndefined();
    expect(faults.take('CreateSnapshots')?.code).toBe('RequestLimitExceeded');
    expect(faults.take('CreateSnapshots')?.code).toBe('RequestLimitExceeded');
    expect(faults.take('CreateSnapshots')).toBeUndefined();
  });

  it('prefers a per-action latency over the global one', () => {
    const faults = new FaultInjector();
    faults.setLatency({ ms: 5 });
    faults.setLatency({ action: 'AttachVolume', ms: 50 });
    expect(faults.latencyFor('AttachVolume')).toBe(50);
    expect(faults.latencyFor('DetachVolume')).toBe(5);
  });
});

describe('CallCounters', () => {
  it('counts calls and errors by code', () => {
    const counters = new CallCounters();
    counters.record('CreateSnapshots', 'RequestLimitExceeded');
    counters.record('CreateSnapshots');
    expect(counters.snapshot()).toEqual({
      CreateSnapshots: { total: 2, errors: { RequestLimitExceeded: 1 } },
    });
  });
});
