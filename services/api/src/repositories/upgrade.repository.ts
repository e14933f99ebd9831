import type { UpgradeStatus } from '@backups/shared';
import { insertReturningId } from '@backups/shared/backups';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { UpgradeView } from '../serialize/upgrade.serializer.js';
import { pgDate, pgDateOrNull } from './pg-values.js';

interface Row {
  id: string;
  deployment_id: string;
  from_version: string;
  target_version: string;
  status: UpgradeStatus;
  pre_upgrade_backup_id: string | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
}

function toView(r: Row): UpgradeView {
  return {
    id: BigInt(r.id),
    deploymentId: BigInt(r.deployment_id),
    fromVersion: r.from_version,
    targetVersion: r.target_version,
    status: r.status,
    preUpgradeBackupId: r.pre_upgrade_backup_id === null ? null : BigInt(r.pre_upgrade_backup_id),
    error: r.error,
    createdAt: pgDate(r.created_at),
    startedAt: pgDateOrNull(r.started_at),
    completedAt: pgDateOrNull(r.completed_at),
  };
}

export async function getUpgrade(
  em: EntityManager,
  deploymentId: bigint,
  upgradeId: bigint,
): Promise<UpgradeView | null> {
  const rows = await em.execute<Row[]>('select * from upgrades where id = ? and deployment_id = ?', [
    upgradeId,
    deploymentId,
  ]);
  return rows[0] ? toView(rows[0]) : null;
}

export async function hasActiveUpgrade(em: EntityManager, deploymentId: bigint): Promise<boolean> {
  const rows = await em.execute<unknown[]>(
    "select 1 from upgrades where deployment_id = ? and status in ('pending', 'in_progress') limit 1",
    [deploymentId],
  );
  return rows.length > 0;
}

export async function currentVersion(em: EntityManager, deploymentId: bigint): Promise<string> {
  const rows = await em.execute<{ version: string }[]>('select version from deployments where id = ?', [
    deploymentId,
  ]);
  return rows[0]?.version ?? '';
}

export async function insertUpgrade(
  em: EntityManager,
  u: { deploymentId: bigint; fromVersion: string; targetVersion: string; preUpgradeBackupId: bigint | null },
): Promise<bigint> {
  return insertReturningId(
    em,
    `insert into upgrades (deployment_id, from_version, target_version, status, pre_upgrade_backup_id)
     values (?, ?, ?, 'pending', ?) returning id`,
    [u.deploymentId, u.fromVersion, u.targetVersion, u.preUpgradeBackupId],
  );
}
