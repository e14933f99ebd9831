import { describe, expect, it } from 'vitest';
import { failurePath, nextStep } from './restore-steps.js';

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
});
