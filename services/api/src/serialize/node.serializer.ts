import type { Node } from '@backups/shared/deployments';

/** What a tenant sees of a node: enough to choose it, nothing of the EC2 account behind it. */
export function serializeNode(n: Pick<Node, 'id' | 'name' | 'availabilityZone'>) {
  return { id: n.id, name: n.name, availability_zone: n.availabilityZone };
}
