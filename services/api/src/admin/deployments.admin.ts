import type { Cloud, StorageType } from '@backups/shared';
import { type AdminSql, insertId } from './admin-sql.js';

export interface DiscoveredVolume {
  volumeId: string;
  deviceName: string;
  sizeGiB: number;
  volumeType: string;
  iops: number | null;
  throughput: number | null;
  encrypted: boolean;
  kmsKeyId: string | null;
}

export interface DiscoveredNode {
  instanceId: string;
  availabilityZone: string;
  volumes: DiscoveredVolume[];
}

export interface NewDeployment {
  id?: bigint;
  tenantId: bigint;
  name: string;
  cloud: Cloud;
  region: string;
  storageType: StorageType;
  version: string;
  nodes: DiscoveredNode[];
}

/** Inserts a deployment with its nodes and their data volumes, all or nothing. Returns the deployment id and node ids. */
export async function registerDeployment(
  sql: AdminSql,
  d: NewDeployment,
): Promise<{ id: bigint; nodeIds: bigint[] }> {
  return sql.transactional(async (tx) => {
    const id = await insertId(
      tx,
      `insert into deployments (id, tenant_id, name, cloud, region, storage_type, status, version)
       values (coalesce(?::bigint, nextval(pg_get_serial_sequence('deployments', 'id'))), ?, ?, ?, ?, ?, 'running', ?)
       returning id`,
      [d.id ?? null, d.tenantId, d.name, d.cloud, d.region, d.storageType, d.version],
    );
    const nodeIds: bigint[] = [];
    for (const [index, node] of d.nodes.entries()) {
      const nodeId = await insertId(
        tx,
        'insert into nodes (deployment_id, name, instance_id, availability_zone) values (?, ?, ?, ?) returning id',
        [id, `node-${index + 1}`, node.instanceId, node.availabilityZone],
      );
      nodeIds.push(nodeId);
      for (const v of node.volumes) {
        await tx.execute(
          `insert into volumes (node_id, volume_id, device_name, size_gib, volume_type, iops, throughput, encrypted, kms_key_id)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            nodeId,
            v.volumeId,
            v.deviceName,
            v.sizeGiB,
            v.volumeType,
            v.iops,
            v.throughput,
            v.encrypted,
            v.kmsKeyId,
          ],
        );
      }
    }
    return { id, nodeIds };
  });
}
