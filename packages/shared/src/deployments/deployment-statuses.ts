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
