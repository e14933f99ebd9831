import type { EmulatorState } from '@backups/ec2-emulator';
import { MANAGED_BY_VALUE, TAG_BACKUP, TAG_MANAGED_BY } from '@backups/shared/ec2';
import type { EntityManager } from '@mikro-orm/postgresql';
import { all } from './fleet.js';

type EmuState = Pick<EmulatorState, 'instances' | 'volumes' | 'snapshots'>;

/**
 * The end state every scenario must reach, whatever crashed or failed on the
 * way: no operation unfinished and no backup left half-way (a delete included),
 * no deployment left stopped or restoring, every node's instance running with
 * exactly the data volumes Postgres records attached, no snapshot or volume of
 * ours that Postgres does not account for, no duplicate snapshot in EC2.
 */
export async function assertConsistent(em: EntityManager, state: EmuState): Promise<string[]> {
  const problems: string[] = [];
  const unfinished = await all<{ id: string }>(
    em,
    `select id::text from operations where status in ('queued', 'running')`,
  );
  if (unfinished.length) problems.push(`unfinished operations: ${unfinished.map((o) => o.id).join(', ')}`);
  const unsettled = await all<{ id: string; status: string }>(
    em,
    `select id::text, status from backups where status in ('pending', 'in_progress', 'deleting')`,
  );
  if (unsettled.length) problems.push(`backups not settled: ${JSON.stringify(unsettled)}`);
  const deployments = await all<{ id: string; status: string }>(
    em,
    `select id::text, status from deployments where status <> 'running'`,
  );
  if (deployments.length) problems.push(`deployments not running: ${JSON.stringify(deployments)}`);

  const volumes = await all<{ instance_id: string; device_name: string; volume_id: string }>(
    em,
    'select n.instance_id, v.device_name, v.volume_id from volumes v join nodes n on n.id = v.node_id',
  );
  problems.push(...instanceProblems(state, volumes));
  problems.push(...(await snapshotProblems(em, state)));

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

/** Each node's instance runs with exactly its recorded data volumes attached, at their devices. */
function instanceProblems(
  state: EmuState,
  volumes: { instance_id: string; device_name: string; volume_id: string }[],
): string[] {
  const problems: string[] = [];
  for (const instanceId of new Set(volumes.map((v) => v.instance_id))) {
    const inst = state.instances.find((i) => i.instanceId === instanceId);
    if (inst?.state !== 'running') problems.push(`instance ${instanceId} is ${inst?.state ?? 'missing'}`);
    const want = volumes.filter((v) => v.instance_id === instanceId);
    const data = (inst?.blockDeviceMappings ?? []).filter((m) => m.deviceName !== inst?.rootDeviceName);
    for (const v of want) {
      const at = data.find((m) => m.deviceName === v.device_name);
      if (at?.volumeId !== v.volume_id || at.status !== 'attached')
        problems.push(
          `${instanceId} ${v.device_name} has ${at?.volumeId} (${at?.status}) but Postgres says ${v.volume_id}`,
        );
    }
    for (const m of data) {
      if (!want.some((v) => v.volume_id === m.volumeId))
        problems.push(
          `${instanceId} has ${m.volumeId} attached at ${m.deviceName}, which Postgres does not record`,
        );
    }
  }
  return problems;
}

/**
 * Every snapshot of ours is recorded and every recorded one exists; and EC2 holds
 * at most one per backup and volume. Postgres cannot show a duplicate (a unique
 * index allows one row per backup and volume): it would be a second snapshot in
 * EC2, made by a retried CreateSnapshots.
 */
async function snapshotProblems(em: EntityManager, state: EmuState): Promise<string[]> {
  const problems: string[] = [];
  const recorded = new Set(
    (
      await all<{ snapshot_id: string }>(
        em,
        `select snapshot_id from backup_snapshots where snapshot_id is not null and state <> 'deleted'`,
      )
    ).map((r) => r.snapshot_id),
  );
  const ours = state.snapshots.filter((s) => s.tags[TAG_MANAGED_BY] === MANAGED_BY_VALUE);
  for (const s of ours) {
    if (!recorded.has(s.snapshotId)) problems.push(`orphaned snapshot ${s.snapshotId}`);
  }
  for (const id of recorded) {
    if (!state.snapshots.some((s) => s.snapshotId === id))
      problems.push(`recorded snapshot ${id} missing in EC2`);
  }
  const perBackupVolume = new Map<string, string[]>();
  for (const s of ours) {
    const key = `backup ${s.tags[TAG_BACKUP]} volume ${s.volumeId}`;
    perBackupVolume.set(key, [...(perBackupVolume.get(key) ?? []), s.snapshotId]);
  }
  for (const [key, ids] of perBackupVolume) {
    if (ids.length > 1) problems.push(`duplicate snapshots of ${key}: ${ids.join(', ')}`);
  }
  return problems;
}
