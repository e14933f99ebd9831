import { type PreparedRunner, preparedStatement, runPrepared } from '../db/prepared.js';
import { queueBackupOperationsOf } from '../operations/enqueue.js';
import { assertBackupsSupported, assertPlanHasBackups, backupLimit, limitReached } from './backup-policy.js';
import { type BackupStatus, LIMITED_BACKUP_STATUSES } from './backup-statuses.js';
import type { BackupRequest, CreatedBackup, LockedDeployment } from './create-backup.js';
import { DomainError } from './domain-error.js';

// The API's create, without rotation, in two parts: one statement that
// inserts the backup and its operation unless the idempotency key or the node
// rules it out, and reports what the limit needs; then settleCreate, which
// applies createBackupLocked's rules in its order to the locked deployment and
// that report, and refuses (the caller rolls back) or accepts (commits).
//
// The caller's earlier statement in the same transaction locks the
// deployment's row; this statement starts after it and takes its own
// snapshot, so it counts every create committed before the lock was granted
// (a lock taken inside this same statement would not). Because the statement
// needs nothing from the lock's result, both go out in one round trip
// (pipelinedTransaction): creates come in bursts (schedule storms, upgrades),
// and the five ORM statements this replaces cost a round trip, a parse and a
// plan each while the row stayed locked.

const operation = queueBackupOperationsOf('backup', 10);

// $1 deployment, $2 tenant, $3 idempotency key, $4 node, $5 limited statuses,
// $6 name, $7 type, $8 pending, $9 remarks, $10 the operation's status, $11 expires in days.
const CREATE = preparedStatement(
  'backups.create_within_limit',
  `with existing as (
     select id from backups where deployment_id = $1 and idempotency_key = $3::text
   ), node as (
     select $4::bigint is null or exists (select 1 from nodes where id = $4 and deployment_id = $1) as ok
   ), counted as (
     select count(*)::int as n from backups where deployment_id = $1 and status = any($5::text[])
   ), backup as (
     insert into backups (deployment_id, node_id, name, backup_type, status, region, remarks,
                          idempotency_key, expires_at, created_at, updated_at)
     select d.id, $4, $6, $7, $8, d.region, $9, $3, now() + make_interval(days => $11::int), now(), now()
       from deployments d
      where d.id = $1 and d.tenant_id = $2
        and not exists (select 1 from existing) and (select ok from node)
     returning id, deployment_id
   ), operation as (${operation.sql})
   select (select id::text from existing) as existing_id, (select ok from node) as node_ok,
          (select n from counted) as counted, (select id::text from backup) as backup_id`,
);

/** What the create statement found and did. */
export interface CreateReport {
  existing_id: string | null;
  node_ok: boolean;
  /** Backups counting against the limit before this one. */
  counted: number;
  /** The inserted backup; its row stays only if settleCreate accepts. */
  backup_id: string | null;
}

/** The create statement, on the transaction holding (or about to take) the deployment's row lock. */
export async function sendCreateWithinLimit(
  tx: PreparedRunner,
  tenantId: bigint,
  deploymentId: bigint,
  request: BackupRequest,
): Promise<CreateReport> {
  const pending: BackupStatus = 'pending';
  const [report] = await runPrepared<CreateReport>(tx, CREATE, [
    deploymentId,
    tenantId,
    request.idempotencyKey,
    request.nodeId,
    LIMITED_BACKUP_STATUSES,
    request.name,
    request.backupType,
    pending,
    request.remarks,
    operation.status,
    request.expiresInDays,
  ]);
  if (!report) throw new Error('the create statement returned no row');
  return report;
}

/**
 * createBackupLocked's rules, in its order, on the locked deployment and the
 * statement's report: the backup it made or found, or the first rule broken
 * (thrown: the caller must roll the statement's insert back).
 */
export function settleCreate(
  deployment: LockedDeployment,
  request: BackupRequest,
  report: CreateReport,
): CreatedBackup {
  if (report.existing_id !== null)
    return { backupId: BigInt(report.existing_id), existing: true, rotated: [] };
  assertPlanHasBackups(deployment.plan);
  assertBackupsSupported(deployment);
  if (!report.node_ok && request.nodeId !== null) throw invalidNode(request.nodeId, deployment.id);
  const limit = backupLimit(deployment.plan, deployment.backupLimitOverride) ?? 0;
  if (report.counted >= limit) throw limitReached(limit, report.counted);
  if (report.backup_id === null) throw new Error('the create statement inserted no backup');
  return { backupId: BigInt(report.backup_id), existing: false, rotated: [] };
}

export function invalidNode(nodeId: bigint, deploymentId: bigint): DomainError {
  return new DomainError(
    'invalid_node',
    `Node ${nodeId} is not a node of deployment ${deploymentId}. Omit node_id to back up every node.`,
  );
}
