import type { EntityManager } from '@mikro-orm/postgresql';
import { NodeSchema } from './node.entity.js';
import { VolumeSchema } from './volume.entity.js';

// The deployment tree as restores and upgrades read and change it: its nodes'
// instances and the EBS volume at each device.

/** The deployment's EC2 instances, in node order. */
export async function nodeInstanceIds(em: EntityManager, deploymentId: bigint): Promise<string[]> {
  const nodes = await em.find(
    NodeSchema,
    { deploymentId },
    { fields: ['instanceId'], orderBy: { id: 'asc' } },
  );
  return nodes.map((n) => n.instanceId);
}

/** One device of a node that a restore gives a new volume. */
export interface VolumeSwap {
  nodeId: bigint;
  deviceName: string;
  from: string;
  to: string;
}

/**
 * Points each device at its new volume, only where it still holds the volume
 * it replaces. Returns how many devices changed.
 */
export async function swapNodeVolumes(em: EntityManager, swaps: readonly VolumeSwap[]): Promise<number> {
  let changed = 0;
  for (const s of swaps) {
    changed += await em.nativeUpdate(
      VolumeSchema,
      { nodeId: s.nodeId, deviceName: s.deviceName, volumeId: s.from },
      { volumeId: s.to },
    );
  }
  return changed;
}
