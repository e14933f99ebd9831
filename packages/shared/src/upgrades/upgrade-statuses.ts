// An upgrade's statuses. The migration's CHECK constraint mirrors this list;
// change both together.

export const UPGRADE_STATUSES = ['pending', 'in_progress', 'completed', 'failed'] as const;
export type UpgradeStatus = (typeof UPGRADE_STATUSES)[number];

/** An upgrade in one of these is still to run or running: a deployment has at most one. */
export const ACTIVE_UPGRADE_STATUSES = ['pending', 'in_progress'] as const;

/** Where an in-progress upgrade is (`upgrades.step`): stopping the nodes, or starting them on the new version. */
export const UPGRADE_STEPS = ['stop_nodes', 'start_nodes'] as const;
export type UpgradeStep = (typeof UPGRADE_STEPS)[number];
