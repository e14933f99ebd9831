import type { AttachmentState } from '@backups/shared/ec2';

// The node moves a restore and an upgrade make (instances to stopped/running,
// volumes detached/attached), as decisions without I/O: given what EC2 says
// now, act on what is not there yet, wait for what is on its way, or say it is
// done or cannot be done. Looking first is what makes every move resumable
// after a crash at any point.

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
