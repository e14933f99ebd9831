import { sql } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTransaction } from '../db/in-transaction.js';
import {
  beginDeploymentChange,
  endDeploymentChange,
  recordDeploymentVersion,
} from '../deployments/deployment-state.js';
import type { SettledAfterChange } from '../deployments/deployment-statuses.js';
import type { Upgrade } from './upgrade.entity.js';
import { UpgradeSchema } from './upgrade.entity.js';
import { ACTIVE_UPGRADE_STATUSES, type UpgradeStep } from './upgrade-statuses.js';

// Every write of an upgrade. Each transition changes the row only from the
// statuses (and step) it may leave and says whether it did; the deployment's
// status and version move with it, in the caller's transaction when there is one.

type UpgradeRef = Pick<Upgrade, 'id' | 'deploymentId'>;

const STOP: UpgradeStep = 'stop_nodes';
const START: UpgradeStep = 'start_nodes';

export interface NewUpgrade {
  deploymentId: bigint;
  fromVersion: string;
  targetVersion: string;
  /** The backup that must complete first; null when the plan has no backups. */
  preUpgradeBackupId: bigint | null;
}

/** An upgrade requested: pending until its operation runs. Returns its id. */
export async function createPendingUpgrade(em: EntityManager, u: NewUpgrade): Promise<bigint> {
  const upgrade = em.create(UpgradeSchema, {
    ...u,
    status: 'pending',
    step: null,
    error: null,
  });
  // The database's clock, as for the row's other timestamps (and as the row's default did).
  upgrade.createdAt = sql<Date>`now()`;
  await em.flush();
  return upgrade.id;
}

/** pending → in_progress at `stop_nodes`; the deployment is `upgrading`. */
export async function startUpgrade(em: EntityManager, u: UpgradeRef): Promise<boolean> {
  return inTransaction(em, async (tx) => {
    const n = await tx.nativeUpdate(
      UpgradeSchema,
      { id: u.id, status: 'pending' },
      { status: 'in_progress', step: STOP, startedAt: sql.now() },
    );
    if (n === 0) return false;
    await beginDeploymentChange(tx, u.deploymentId, 'upgrading');
    return true;
  });
}

/** The nodes are down (`stop_nodes` → `start_nodes`): the new version is recorded, then they come back up on it. */
export async function recordUpgradedVersion(
  em: EntityManager,
  u: UpgradeRef & Pick<Upgrade, 'targetVersion'>,
): Promise<boolean> {
  return inTransaction(em, async (tx) => {
    const n = await tx.nativeUpdate(
      UpgradeSchema,
      { id: u.id, status: 'in_progress', step: STOP },
      { step: START },
    );
    await recordDeploymentVersion(tx, u.deploymentId, u.targetVersion);
    return n === 1;
  });
}

/** in_progress → completed; the deployment runs again. */
export async function completeUpgrade(em: EntityManager, u: UpgradeRef): Promise<boolean> {
  return inTransaction(em, async (tx) => {
    const n = await tx.nativeUpdate(
      UpgradeSchema,
      { id: u.id, status: 'in_progress' },
      { status: 'completed', step: null, completedAt: sql.now() },
    );
    await endDeploymentChange(tx, u.deploymentId, 'upgrading', 'running');
    return n === 1;
  });
}

/**
 * pending / in_progress → failed. A deployment the upgrade was changing says
 * what its nodes are actually doing (`deploymentStatus`).
 */
export async function failUpgrade(
  em: EntityManager,
  u: UpgradeRef,
  error: string,
  deploymentStatus: SettledAfterChange,
): Promise<boolean> {
  return inTransaction(em, async (tx) => {
    const n = await tx.nativeUpdate(
      UpgradeSchema,
      { id: u.id, status: { $in: [...ACTIVE_UPGRADE_STATUSES] } },
      { status: 'failed', error, completedAt: sql.now() },
    );
    await endDeploymentChange(tx, u.deploymentId, 'upgrading', deploymentStatus);
    return n === 1;
  });
}
