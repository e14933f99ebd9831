import type { EmulatorState } from '@backups/ec2-emulator';
import { MANAGED_BY_VALUE, TAG_BACKUP, TAG_MANAGED_BY, TAG_REPLACED_AT } from '@backups/shared/ec2';
import type { ChaosDb } from './db.js';

// EC2 (the emulator's whole state) against Postgres once the fleet has settled.

export interface Ec2Findings {
  snapshots: number;
  orphanSnapshots: string[];
  duplicateSnapshots: string[];
  lostSnapshots: string[];
  instanceProblems: string[];
  /** Unattached volumes carrying the replaced-at tag: the scheduler deletes them after the grace period. */
  taggedForCleanup: number;
  untaggedLooseVolumes: string[];
}

/**
 * Every snapshot of ours belongs to a completed backup that records it (a
 * failed or deleted backup's snapshots are deleted with it; a pending one's do
 * not exist once settled), at most one per backup and volume; every snapshot a
 * completed backup records exists.
 */
async function checkSnapshots(
  db: ChaosDb,
  state: EmulatorState,
): Promise<Pick<Ec2Findings, 'snapshots' | 'orphanSnapshots' | 'duplicateSnapshots' | 'lostSnapshots'>> {
  const backups = new Map(
    (await db.rows<{ id: string; status: string }>('select id::text, status from backups')).map((b) => [
      b.id,
      b.status,
    ]),
  );
  const recorded = await db.rows<{ snapshot_id: string; status: string }>(
    `select s.snapshot_id, b.status from backup_snapshots s join backups b on b.id = s.backup_id
     where s.snapshot_id is not null and s.state <> $1`,
    ['deleted'],
  );
  const recordedIds = new Set(recorded.map((r) => r.snapshot_id));
  const ours = state.snapshots.filter((s) => s.tags[TAG_MANAGED_BY] === MANAGED_BY_VALUE);
  const orphanSnapshots: string[] = [];
  const seen = new Map<string, string[]>();
  for (const s of ours) {
    const backupId = s.tags[TAG_BACKUP] ?? '';
    const status = backups.get(backupId);
    if (status !== 'completed' || !recordedIds.has(s.snapshotId))
      orphanSnapshots.push(
        `${s.snapshotId} (backup ${backupId || '?'} ${status ?? 'unknown'}${recordedIds.has(s.snapshotId) ? '' : ', not recorded'})`,
      );
    const key = `backup ${backupId} volume ${s.volumeId}`;
    seen.set(key, [...(seen.get(key) ?? []), s.snapshotId]);
  }
  const inEc2 = new Set(ours.map((s) => s.snapshotId));
  return {
    snapshots: ours.length,
    orphanSnapshots,
    duplicateSnapshots: [...seen]
      .filter(([, ids]) => ids.length > 1)
      .map(([key, ids]) => `${key}: ${ids.join(', ')}`),
    lostSnapshots: recorded
      .filter((r) => r.status === 'completed' && !inEc2.has(r.snapshot_id))
      .map((r) => r.snapshot_id),
  };
}

/** Every node's instance is running with exactly the data volumes Postgres records, at their devices. */
async function checkInstances(db: ChaosDb, state: EmulatorState): Promise<string[]> {
  const problems: string[] = [];
  const volumes = await db.rows<{ instance_id: string; device_name: string; volume_id: string }>(
    'select n.instance_id, v.device_name, v.volume_id from volumes v join nodes n on n.id = v.node_id',
  );
  const instances = new Map(state.instances.map((i) => [i.instanceId, i]));
  for (const v of volumes) {
    const instance = instances.get(v.instance_id);
    if (instance?.state !== 'running')
      problems.push(`instance ${v.instance_id} is ${instance?.state ?? 'missing'}`);
    const at = instance?.blockDeviceMappings.find((m) => m.deviceName === v.device_name);
    if (at?.volumeId !== v.volume_id || at.status !== 'attached')
      problems.push(
        `${v.instance_id} ${v.device_name} has ${at?.volumeId ?? 'nothing'} (${at?.status ?? '-'}), Postgres says ${v.volume_id}`,
      );
  }
  const known = new Set(volumes.map((v) => v.volume_id));
  for (const instance of instances.values())
    for (const m of instance.blockDeviceMappings)
      if (m.deviceName !== instance.rootDeviceName && !known.has(m.volumeId))
        problems.push(
          `${instance.instanceId} ${m.deviceName} has ${m.volumeId}, which Postgres does not know`,
        );
  return [...new Set(problems)];
}

export async function checkEc2(db: ChaosDb, state: EmulatorState): Promise<Ec2Findings> {
  const loose = state.volumes.filter((v) => v.attachments.length === 0);
  const tagged = (tags: Record<string, string>) =>
    tags[TAG_MANAGED_BY] === MANAGED_BY_VALUE && Boolean(tags[TAG_REPLACED_AT]);
  return {
    ...(await checkSnapshots(db, state)),
    instanceProblems: await checkInstances(db, state),
    taggedForCleanup: loose.filter((v) => tagged(v.tags)).length,
    untaggedLooseVolumes: loose
      .filter((v) => !tagged(v.tags))
      .map((v) => `${v.volumeId} (${v.state}, tags ${JSON.stringify(v.tags)})`),
  };
}
