// A restore's statuses. The migration's CHECK constraint mirrors this list;
// change both together.

export const RESTORE_STATUSES = ['pending', 'in_progress', 'completed', 'failed', 'rolled_back'] as const;
export type RestoreStatus = (typeof RESTORE_STATUSES)[number];

/** A restore in one of these still reads its backup: the backup may not be deleted or expired. */
export const ACTIVE_RESTORE_STATUSES = ['pending', 'in_progress'] as const;

/** How a restore that did not happen ends: `failed` (the nodes were not touched) or `rolled_back`. */
export const UNDONE_RESTORE_STATUSES = ['failed', 'rolled_back'] as const;
export type UndoneRestoreStatus = (typeof UNDONE_RESTORE_STATUSES)[number];
