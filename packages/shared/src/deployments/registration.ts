import type { EntityManager } from '@mikro-orm/postgresql';
import { inTransaction } from '../db/in-transaction.js';
import type { Cloud, StorageType } from '../domain/enums.js';
import { DeploymentSchema } from './deployment.entity.js';
import { NodeSchema } from './node.entity.js';
import type { DiscoveredNode } from './node-discovery.js';
import { VolumeSchema } from './volume.entity.js';

/** A deployment to register, with the nodes and volumes discovered in EC2. */
export interface NewDeployment {
  /** The control plane's id; the sequence assigns one when absent. */
  id?: bigint;
  tenantId: bigint;
  name: string;
  cloud: Cloud;
  region: string;
  storageType: StorageType;
  version: string;
  nodes: DiscoveredNode[];
}

/**
 * Inserts a deployment (running) with its nodes (node-1, node-2, … in the
 * given order) and their data volumes, all or nothing; inside the caller's
 * transaction when there is one. Returns the deployment id and the node ids in
 * the nodes' order. Three inserts however many nodes: the nodes need the
 * deployment's id and the volumes their node's.
 */
export async function registerDeployment(
  em: EntityManager,
  d: NewDeployment,
): Promise<{ id: bigint; nodeIds: bigint[] }> {
  return inTransaction(em, async (tx) => {
    const deployment = tx.create(DeploymentSchema, {
      ...(d.id === undefined ? {} : { id: d.id }),
      tenantId: d.tenantId,
      name: d.name,
      cloud: d.cloud,
      region: d.region,
      storageType: d.storageType,
      status: 'running',
      version: d.version,
    });
    await tx.flush();
    const placed = d.nodes.map((node, index) => ({
      node,
      row: tx.create(NodeSchema, {
        deploymentId: deployment.id,
        name: `node-${index + 1}`,
        instanceId: node.instanceId,
        availabilityZone: node.availabilityZone,
      }),
    }));
    await tx.flush();
    for (const { node, row } of placed) {
      for (const v of node.volumes) {
        tx.create(VolumeSchema, {
          nodeId: row.id,
          volumeId: v.volumeId,
          deviceName: v.deviceName,
          sizeGib: v.sizeGiB,
          volumeType: v.volumeType,
          iops: v.iops,
          throughput: v.throughput,
          encrypted: v.encrypted,
          kmsKeyId: v.kmsKeyId,
        });
      }
    }
    await tx.flush();
    return { id: deployment.id, nodeIds: placed.map((p) => p.row.id) };
  });
}

/**
 * Removes a deployment with everything recorded of it (its nodes, volumes,
 * backups, operations… go with it by the schema's cascades). Only the local run
 * uses it, to re-create its demo deployment when the emulator forgot the
 * instances; true if there was one.
 */
export async function deregisterDeployment(em: EntityManager, id: bigint): Promise<boolean> {
  return (await em.nativeDelete(DeploymentSchema, { id })) > 0;
}
