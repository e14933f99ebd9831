import type { UpgradeStatus } from '@backups/shared';
import { type Em, rows, run } from '../operations/sql.js';

export interface UpgradeRow {
  id: bigint;
  deploymentId: bigint;
  targetVersion: string;
  status: UpgradeStatus;
  step: 'stop_nodes' | 'start_nodes' | null;
  preUpgradeBackupId: bigint | null;
  error: string | null;
}

export async function loadUpgrade(em: Em, upgradeId: bigint): Promise<UpgradeRow | null> {
  const [r] = await rows<{
    id: string;
    deployment_id: string;
    target_version: string;
    status: UpgradeStatus;
    step: 'stop_nodes' | 'start_nodes' | null;
    pre_upgrade_backup_id: string | null;
    error: string | null;
  }>(
    em,
    `select id::text, deployment_id::text, target_version, status, step, pre_upgrade_backup_id::text, error
       from upgrades where id = ?`,
    [upgradeId],
  );
  if (!r) return null;
  return {
    id: BigInt(r.id),
    deploymentId: BigInt(r.deployment_id),
    targetVersion: r.target_version,
    status: r.status,
    step: r.step,
    preUpgradeBackupId: r.pre_upgrade_backup_id === null ? null : BigInt(r.pre_upgrade_backup_id),
    error: r.error,
  };
}

export async function backupOutcome(
  em: Em,
  backupId: bigint,
): Promise<{ status: string; failureReason: string | null } | null> {
  const [r] = await rows<{ status: string; failure_reason: string | null }>(
    em,
    'select status, failure_reason from backups where id = ?',
    [backupId],
  );
  return r ? { status: r.status, failureReason: r.failure_reason } : null;
}

export async function instancesOf(em: Em, deploymentId: bigint): Promise<string[]> {
  const found = await rows<{ instance_id: string }>(
    em,
    'select instance_id from nodes where deployment_id = ? order by id',
    [deploymentId],
  );
  return found.map((r) => r.instance_id);
}

export async function startUpgrade(tx: Em, u: UpgradeRow): Promise<void> {
  await run(
    tx,
    "update upgrades set status = 'in_progress', step = 'stop_nodes', started_at = now() where id = ? and status = 'pending'",
    [u.id],
  );
  await run(tx, "update deployments set status = 'upgrading', updated_at = now() where id = ?", [
    u.deploymentId,
  ]);
}

/** The nodes are down: the new version is recorded, then they come back up on it. */
export async function recordVersion(tx: Em, u: UpgradeRow): Promise<void> {
  await run(tx, "update upgrades set step = 'start_nodes' where id = ? and step = 'stop_nodes'", [u.id]);
  await run(tx, 'update deployments set version = ?, updated_at = now() where id = ?', [
    u.targetVersion,
    u.deploymentId,
  ]);
}

export async function completeUpgrade(tx: Em, u: UpgradeRow): Promise<void> {
  await run(tx, "update upgrades set status = 'completed', step = null, completed_at = now() where id = ?", [
    u.id,
  ]);
  await run(tx, "update deployments set status = 'running', updated_at = now() where id = ?", [
    u.deploymentId,
  ]);
}

/** Ends the upgrade failed; the deployment's status says what its nodes are actually doing. */
export async function failUpgrade(
  tx: Em,
  u: UpgradeRow,
  error: string,
  deploymentStatus: 'running' | 'stopped',
): Promise<void> {
  await run(tx, "update upgrades set status = 'failed', error = ?, completed_at = now() where id = ?", [
    error,
    u.id,
  ]);
  await run(tx, 'update deployments set status = ?, updated_at = now() where id = ?', [
    deploymentStatus,
    u.deploymentId,
  ]);
}
