import { createHash } from 'node:crypto';
import type { AttachmentState } from '@backups/shared/ec2';

// The restore state machine without I/O. `restores.step` holds where it is;
// every step looks at EC2 first and only acts on what is not done yet, so any
// worker can resume any step after a crash and reach the same end.
//
//   plan → create_volumes → stop_nodes → detach → attach → start_nodes → finalize → completed
//   failure before the stop:            abort (delete new volumes) → failed
//   failure once nodes may be stopped:  rollback_detach → rollback_attach → rollback_start
//                                       → rollback_cleanup (delete new volumes) → rolled_back

export const FORWARD_STEPS = [
  'plan',
  'create_volumes',
  'stop_nodes',
  'detach',
  'attach',
  'start_nodes',
  'finalize',
] as const;
export const ROLLBACK_STEPS = [
  'rollback_detach',
  'rollback_attach',
  'rollback_start',
  'rollback_cleanup',
] as const;
export type RestoreStep = (typeof FORWARD_STEPS)[number] | (typeof ROLLBACK_STEPS)[number] | 'abort';

export function isRestoreStep(step: string | null): step is RestoreStep {
  return (
    step === 'abort' ||
    (FORWARD_STEPS as readonly string[]).includes(step ?? '') ||
    (ROLLBACK_STEPS as readonly string[]).includes(step ?? '')
  );
}

/** The step after `step` once it is done; null at the end of a path. */
export function nextStep(step: RestoreStep): RestoreStep | null {
  for (const path of [FORWARD_STEPS, ROLLBACK_STEPS] as const) {
    const i = (path as readonly string[]).indexOf(step);
    if (i >= 0) return (path[i + 1] as RestoreStep | undefined) ?? null;
  }
  return null;
}

/** Where a failure at `step` leads: nothing touched the nodes before the stop, so that is a plain abort. */
export function failurePath(step: RestoreStep): 'abort' | 'rollback_detach' | 'retry' {
  if (step === 'plan' || step === 'create_volumes') return 'abort';
  if (step === 'stop_nodes' || step === 'detach' || step === 'attach' || step === 'start_nodes')
    return 'rollback_detach';
  // finalize, abort and the rollback steps must converge: they retry.
  return 'retry';
}

/** A CreateVolume idempotency token (≤ 64 ASCII chars) that is the same for the same planned volume. */
export function clientToken(restoreId: bigint, nodeId: bigint, device: string): string {
  return `rs-${createHash('sha256').update(`${restoreId}:${nodeId}:${device}`).digest('hex').slice(0, 40)}`;
}

export type Decision<T> =
  | { kind: 'act'; items: T[] }
  | { kind: 'wait' }
  | { kind: 'done' }
  | { kind: 'fail'; reason: string };

/** Instances toward `target` (stopped/running): which to act on, wait, done, or a state we cannot work with. */
export function instanceDecision(
  states: ReadonlyMap<string, string>,
  instanceIds: readonly string[],
  target: 'stopped' | 'running',
): Decision<string> {
  const act: string[] = [];
  let waiting = false;
  for (const id of instanceIds) {
    const state = states.get(id);
    if (state === target) continue;
    if (state === undefined || state === 'terminated' || state === 'shutting-down') {
      return { kind: 'fail', reason: `instance ${id} is ${state ?? 'gone'}` };
    }
    const transitioning = target === 'stopped' ? state === 'stopping' : state === 'pending';
    if (transitioning) waiting = true;
    else if (target === 'stopped' ? state === 'running' || state === 'pending' : state === 'stopped')
      act.push(id);
    else waiting = true; // e.g. stopping while we want running: wait for it to settle
  }
  if (act.length > 0) return { kind: 'act', items: act };
  return waiting ? { kind: 'wait' } : { kind: 'done' };
}

export interface SwapItem {
  volumeId: string;
  instanceId: string;
  device: string;
}

/**
 * Volumes that must end up detached from their instance: detach the attached
 * ones, wait for `detaching`, done when every attachment is gone.
 */
export function detachDecision(
  items: readonly SwapItem[],
  attachment: (item: SwapItem) => AttachmentState | 'missing',
): Decision<SwapItem> {
  const act: SwapItem[] = [];
  let waiting = false;
  for (const item of items) {
    const state = attachment(item);
    if (state === 'detached' || state === 'missing') continue;
    if (state === 'attached' || state === 'busy') act.push(item);
    else waiting = true;
  }
  if (act.length > 0) return { kind: 'act', items: act };
  return waiting ? { kind: 'wait' } : { kind: 'done' };
}

/** Volumes that must end up attached at their device: attach, wait, or fail when a volume is unusable. */
export function attachDecision(
  items: readonly SwapItem[],
  attachment: (item: SwapItem) => AttachmentState | 'missing',
  volumeState: (item: SwapItem) => string | undefined,
): Decision<SwapItem> {
  const act: SwapItem[] = [];
  let waiting = false;
  for (const item of items) {
    const state = attachment(item);
    if (state === 'attached') continue;
    const vs = volumeState(item);
    if (state === 'missing' || vs === undefined)
      return { kind: 'fail', reason: `volume ${item.volumeId} no longer exists` };
    if (vs === 'error') return { kind: 'fail', reason: `volume ${item.volumeId} is in the error state` };
    if (state === 'detached' && vs === 'available') act.push(item);
    else waiting = true;
  }
  if (act.length > 0) return { kind: 'act', items: act };
  return waiting ? { kind: 'wait' } : { kind: 'done' };
}
