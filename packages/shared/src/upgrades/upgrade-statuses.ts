// An upgrade's statuses. The migration's CHECK constraint mirrors this list;
// change both together.

export const UPGRADE_STATUSES = ['pending', 'in_progress', 'completed', 'failed'] as const;
export type UpgradeStatus = (typeof UPGRADE_STATUSES)[number];
