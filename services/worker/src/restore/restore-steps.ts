import type { RestorePlanItem } from '@backups/shared/restores';
import type { SwapItem } from '../node-moves/node-moves.js';

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

export function isRestoreStep(step: string | null | undefined): step is RestoreStep {
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

/** The volumes the restore replaces, at their node's device. */
export const originals = (plan: readonly RestorePlanItem[]): SwapItem[] =>
  plan.map((p) => ({ volumeId: p.originalVolumeId, instanceId: p.instanceId, device: p.device }));

/** The new volumes made so far, at the device they are for. */
export const replacements = (plan: readonly RestorePlanItem[]): SwapItem[] =>
  plan.flatMap((p) =>
    p.newVolumeId ? [{ volumeId: p.newVolumeId, instanceId: p.instanceId, device: p.device }] : [],
  );

export const instancesOf = (plan: readonly RestorePlanItem[]): string[] => [
  ...new Set(plan.map((p) => p.instanceId)),
];
