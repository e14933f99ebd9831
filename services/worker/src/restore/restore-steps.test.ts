import { describe, expect, it } from 'vitest';
import {
  attachDecision,
  clientToken,
  detachDecision,
  failurePath,
  instanceDecision,
  nextStep,
  type SwapItem,
} from './restore-steps.js';

describe('restore steps', () => {
  it('orders the forward and rollback paths', () => {
    expect(nextStep('plan')).toBe('create_volumes');
    expect(nextStep('attach')).toBe('start_nodes');
    expect(nextStep('finalize')).toBeNull();
    expect(nextStep('rollback_detach')).toBe('rollback_attach');
    expect(nextStep('rollback_cleanup')).toBeNull();
  });

  it('aborts before the stop and rolls back after it', () => {
    expect(failurePath('create_volumes')).toBe('abort');
    expect(failurePath('stop_nodes')).toBe('rollback_detach');
    expect(failurePath('attach')).toBe('rollback_detach');
    expect(failurePath('rollback_attach')).toBe('retry');
  });

  it('makes deterministic, short client tokens', () => {
    const t = clientToken(611298765432109056n, 9223372036854775807n, '/dev/sdf');
    expect(t).toBe(clientToken(611298765432109056n, 9223372036854775807n, '/dev/sdf'));
    expect(t).not.toBe(clientToken(611298765432109056n, 9223372036854775807n, '/dev/sdg'));
    expect(t.length).toBeLessThanOrEqual(64);
  });
});

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
