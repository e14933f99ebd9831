import {
  type AttachmentState,
  attachmentStateOn,
  type Ec2Adapter,
  TAG_RESTORE,
  type VolumeInfo,
} from '@backups/shared/ec2';
import type { PlanRow } from './restore.repository.js';
import type { SwapItem } from './restore-steps.js';

/** A restore step cannot go on; the handler turns this into an abort or a rollback. */
export class RestoreStepFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreStepFailure';
  }
}

export const originals = (plan: readonly PlanRow[]): SwapItem[] =>
  plan.map((p) => ({ volumeId: p.originalVolumeId, instanceId: p.instanceId, device: p.device }));

export const replacements = (plan: readonly PlanRow[]): SwapItem[] =>
  plan.flatMap((p) =>
    p.newVolumeId ? [{ volumeId: p.newVolumeId, instanceId: p.instanceId, device: p.device }] : [],
  );

export const instancesOf = (plan: readonly PlanRow[]): string[] => [
  ...new Set(plan.map((p) => p.instanceId)),
];

/** Current EC2 view of the items' volumes, as lookups for the pure decisions. */
export async function volumeView(ec2: Ec2Adapter, items: readonly SwapItem[]) {
  const volumes = new Map(
    (await ec2.describeVolumes(items.map((i) => i.volumeId))).map((v) => [v.volumeId, v]),
  );
  return {
    attachment: (item: SwapItem): AttachmentState | 'missing' => {
      const v = volumes.get(item.volumeId);
      return v ? attachmentStateOn(v, item.instanceId) : 'missing';
    },
    state: (item: SwapItem): string | undefined => volumes.get(item.volumeId)?.state,
  };
}

/** Every volume this restore made: recorded ones plus any made but not recorded (found by tag). */
export async function restoreVolumes(
  ec2: Ec2Adapter,
  restoreId: bigint,
  plan: readonly PlanRow[],
): Promise<VolumeInfo[]> {
  const recorded = plan.flatMap((p) => (p.newVolumeId ? [p.newVolumeId] : []));
  const byId = new Map((await ec2.describeVolumes(recorded)).map((v) => [v.volumeId, v]));
  for (const v of await ec2.findVolumesByTag(TAG_RESTORE, restoreId.toString())) byId.set(v.volumeId, v);
  // Never the originals, whatever their tags say.
  for (const p of plan) byId.delete(p.originalVolumeId);
  return [...byId.values()];
}
