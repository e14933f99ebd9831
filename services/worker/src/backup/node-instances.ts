import { NodeSchema } from '@backups/shared/deployments';
import type { EntityManager } from '@mikro-orm/postgresql';

/** The EC2 instance of each node, by node id. */
export async function nodeInstances(
  em: EntityManager,
  nodeIds: readonly bigint[],
): Promise<Map<bigint, string>> {
  if (nodeIds.length === 0) return new Map();
  const nodes = await em.find(NodeSchema, { id: { $in: [...nodeIds] } }, { disableIdentityMap: true });
  return new Map(nodes.map((n) => [n.id, n.instanceId]));
}
