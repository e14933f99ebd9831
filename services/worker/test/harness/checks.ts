import { MANAGED_BY_VALUE, TAG_MANAGED_BY } from '@backups/shared/ec2';
import type { EntityManager } from '@mikro-orm/postgresql';
import { all } from './fleet.js';

interface EmuState {
  instances: {
    instanceId: string;
    state: string;
    rootDeviceName: string;
    blockDeviceMappings: { deviceName: string; volumeId: string }[];
  }[];
  volumes: { volumeId: string; state: string; tags: Record<string, string> }[];
  snapshots: { snapshotId: string; tags: Record<string, string> }[];
}

/**
 * The end state every scenario must reach, whatever crashed or failed on the
 * way: no operation unfinished, no deployment left stopped or restoring, every
 * instance running with exactly the volumes Postgres records, no snapshot or
 * volume of ours that Postgres does not account for, no duplicates.
 */
export async function assertConsistent(em: EntityManager, state: EmuState): Promise<string[]> {
  const problems: string[] = [];
  const unfinished = await all<{ id: string }>(
    em,
    `select id::text from operations where status in ('queued', 'running')`,
  );
  if (unfinished.length) problems.push(`unfinished operations: ${unfinished.map((o) => o.id).join(', ')}`);
  const deployments = await all<{ id: string; status: string }>(
    em,
    `select id::text, status from deployments where status <> 'running'`,
  );
  if (deployments.length) problems.push(`deployments not running: ${JSON.stringify(deployments)}`);

  const volumes = await all<{ instance_id: string; device_name: string; volume_id: string }>(
    em,
    'select n.instance_id, v.device_name, v.volume_id from volumes v join nodes n on n.id = v.node_id',
  );
  for (const v of volumes) {
    const inst = state.instances.find((i) => i.instanceId === v.instance_id);
    if (inst?.state !== 'running') problems.push(`instance ${v.instance_id} is ${inst?.state ?? 'missing'}`);
    const at = inst?.blockDeviceMappings.find((m) => m.deviceName === v.device_name);
    if (at?.volumeId !== v.volume_id)
      problems.push(`${v.instance_id} ${v.device_name} has ${at?.volumeId} but Postgres says ${v.volume_id}`);
  }

  const recordedSnapshots = new Set(
    (
      await all<{ snapshot_id: string }>(
        em,
        `select snapshot_id from backup_snapshots where snapshot_id is not null and state <> 'deleted'`,
      )
    ).map((r) => r.snapshot_id),
  );
  for (const s of state.snapshots) {
    if (s.tags[TAG_MANAGED_BY] === MANAGED_BY_VALUE && !recordedSnapshots.has(s.snapshotId))
      problems.push(`orphaned snapshot ${s.snapshotId}`);
  }
  for (const id of recordedSnapshots) {
    if (!state.snapshots.some((s) => s.snapshotId === id))
      problems.push(`recorded snapshot ${id} missing in EC2`);
  }

  // Volumes we made are either in use by a node now or replaced ones kept for the grace period.
  const inUse = new Set(volumes.map((v) => v.volume_id));
  const replaced = new Set(
    (
      await all<{ id: string }>(
        em,
        `select unnest(replaced_volume_ids) as id from restores where status = 'completed'`,
      )
    ).map((r) => r.id),
  );
  for (const v of state.volumes) {
    if (v.state === 'deleted') continue;
    if (inUse.has(v.volumeId) || replaced.has(v.volumeId)) continue;
    if (v.tags[TAG_MANAGED_BY] === MANAGED_BY_VALUE)
      problems.push(`orphaned volume ${v.volumeId} (${v.state})`);
  }
  return problems;
}
