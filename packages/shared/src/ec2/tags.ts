/** Tags on everything the service creates in EC2; only resources carrying `managed-by` are ever deleted. */
export const TAG_MANAGED_BY = 'backups:managed-by';
export const MANAGED_BY_VALUE = 'backups-service';
export const TAG_TENANT = 'backups:tenant';
export const TAG_DEPLOYMENT = 'backups:deployment';
export const TAG_NODE = 'backups:node';
export const TAG_BACKUP = 'backups:backup';
export const TAG_RESTORE = 'backups:restore';
/** On a volume a restore swapped out: when, so the scheduler can delete it after the grace period. */
export const TAG_REPLACED_AT = 'backups:replaced-at';

export type Tags = Record<string, string>;

interface Owner {
  tenantId: bigint;
  deploymentId: bigint;
  nodeId: bigint;
}

function managedTags(owner: Owner, extra: Tags): Tags {
  return {
    [TAG_MANAGED_BY]: MANAGED_BY_VALUE,
    [TAG_TENANT]: owner.tenantId.toString(),
    [TAG_DEPLOYMENT]: owner.deploymentId.toString(),
    [TAG_NODE]: owner.nodeId.toString(),
    ...extra,
  };
}

export function snapshotTags(ids: Owner & { backupId: bigint }): Tags {
  return managedTags(ids, { [TAG_BACKUP]: ids.backupId.toString() });
}

export function restoredVolumeTags(ids: Owner & { restoreId: bigint }): Tags {
  return managedTags(ids, { [TAG_RESTORE]: ids.restoreId.toString() });
}

export function toAwsTags(tags: Tags): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

export function fromAwsTags(
  tags: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined,
): Tags {
  const out: Tags = {};
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}
