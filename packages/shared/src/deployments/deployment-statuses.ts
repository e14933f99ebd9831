// The deployment's lifecycle as this service sees it. The migration's CHECK
// constraint mirrors this list; change both together.

export const DEPLOYMENT_STATUSES = [
  'running',
  'stopping',
  'stopped',
  'starting',
  'restoring',
  'upgrading',
] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

/** No restore or upgrade is changing the nodes: one may begin. */
export const SETTLED_DEPLOYMENT_STATUSES = ['running', 'stopping', 'stopped', 'starting'] as const;

/** What a restore or an upgrade makes a deployment while it changes the nodes. */
export const CHANGING_DEPLOYMENT_STATUSES = ['restoring', 'upgrading'] as const;
export type ChangingDeploymentStatus = (typeof CHANGING_DEPLOYMENT_STATUSES)[number];

/** Where a restore or an upgrade leaves a deployment: its status says what its nodes are doing. */
export const SETTLED_AFTER_CHANGE = ['running', 'stopped'] as const;
export type SettledAfterChange = (typeof SETTLED_AFTER_CHANGE)[number];
