import { describe, expect, it } from 'vitest';
import { attachDecision, detachDecision, instanceDecision, type SwapItem } from './move-decisions.js';

describe('instanceDecision', () => {
  it('stops running instances, waits for stopping ones, then is done', () => {
    const states = new Map([
      ['i-1', 'running'],
      ['i-2', 'stopping'],
    ]);
    expect(instanceDecision(states, ['i-1', 'i-2'], 'stopped')).toEqual({ kind: 'act', items: ['i-1'] });
    expect(instanceDecision(new Map([['i-2', 'stopping']]), ['i-2'], 'stopped')).toEqual({ kind: 'wait' });
    expect(instanceDecision(new Map([['i-2', 'stopped']]), ['i-2'], 'stopped')).toEqual({ kind: 'done' });
  });
  it('fails on terminated or unknown instances', () => {
    expect(instanceDecision(new Map([['i-1', 'terminated']]), ['i-1'], 'running').kind).toBe('fail');
    expect(instanceDecision(new Map(), ['i-1'], 'running').kind).toBe('fail');
  });
});

describe('volume swap decisions', () => {
  const a: SwapItem = { volumeId: 'vol-a', instanceId: 'i-1', device: '/dev/sdf' };
  const b: SwapItem = { volumeId: 'vol-b', instanceId: 'i-1', device: '/dev/sdg' };
  it('detaches attached volumes and waits for detaching ones', () => {
    expect(detachDecision([a, b], (i) => (i === a ? 'attached' : 'detaching'))).toEqual({
      kind: 'act',
      items: [a],
    });
    expect(detachDecision([a, b], (i) => (i === a ? 'detached' : 'detaching'))).toEqual({ kind: 'wait' });
    expect(detachDecision([a, b], () => 'detached')).toEqual({ kind: 'done' });
  });
  it('attaches available volumes, waits for creating ones, fails on error', () => {
    expect(
      attachDecision(
        [a, b],
        () => 'detached',
        (i) => (i === a ? 'available' : 'creating'),
      ),
    ).toEqual({ kind: 'act', items: [a] });
    expect(
      attachDecision(
        [a],
        () => 'attached',
        () => 'in-use',
      ),
    ).toEqual({ kind: 'done' });
    expect(
      attachDecision(
        [a],
        () => 'detached',
        () => 'error',
      ).kind,
    ).toBe('fail');
  });
});
