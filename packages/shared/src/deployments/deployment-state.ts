import { sql } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DeploymentSchema } from './deployment.entity.js';
import {
  type ChangingDeploymentStatus,
  SETTLED_DEPLOYMENT_STATUSES,
  type SettledAfterChange,
} from './deployment-statuses.js';

// The deployment's status transitions. Restores and upgrades call these inside
// their own transitions (and so inside the worker's fenced transaction); each
// changes the row only from the statuses it may leave and says whether it did.

/** A restore or an upgrade begins: the deployment is `restoring` / `upgrading` until it ends. */
export async function beginDeploymentChange(
  em: EntityManager,
  deploymentId: bigint,
  change: ChangingDeploymentStatus,
): Promise<boolean> {
  const n = await em.nativeUpdate(
    DeploymentSchema,
    { id: deploymentId, status: { $in: [...SETTLED_DEPLOYMENT_STATUSES] } },
    { status: change, updatedAt: sql.now() },
  );
  return n === 1;
}

/** The restore or upgrade `change` is over: the deployment is `to` (what its nodes are doing). */
export async function endDeploymentChange(
  em: EntityManager,
  deploymentId: bigint,
  change: ChangingDeploymentStatus,
  to: SettledAfterChange,
): Promise<boolean> {
  const n = await em.nativeUpdate(
    DeploymentSchema,
    { id: deploymentId, status: change },
    { status: to, updatedAt: sql.now() },
  );
  return n === 1;
}

/** An upgrade has stopped the nodes: they come back up on `version`. */
export async function recordDeploymentVersion(
  em: EntityManager,
  deploymentId: bigint,
  version: string,
): Promise<boolean> {
  const n = await em.nativeUpdate(
    DeploymentSchema,
    { id: deploymentId, status: 'upgrading' },
    { version, updatedAt: sql.now() },
  );
  return n === 1;
}
