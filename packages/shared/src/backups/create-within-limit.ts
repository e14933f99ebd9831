import { type PreparedRunner, preparedStatement, runPrepared } from '../db/prepared.js';
import { queueBackupOperationsOf } from '../operations/enqueue.js';
import { assertBackupsSupported, assertPlanHasBackups, backupLimit, limitReached } from './backup-policy.js';
import { type BackupStatus, LIMITED_BACKUP_STATUSES } from './backup-statuses.js';
import type { BackupRequest, CreatedBackup, LockedDeployment } from './create-backup.js';
import { DomainError } from './domain-error.js';

const operation = queueBackupOperationsOf('backup', 13);

// $1 deployment, $2 idempotency key, $3 node, $4 limited statuses, $5 name, $6 type,
// $7 pending, $8 region, $9 remarks, $10 expires in days, $11 policy allows,
// $12 limit, $13 the operation's status.
const CREATE = preparedStatement(
  'backups.create_within_limit',
  `with existing as (
     select id from backups where deployment_id = $1 and idempotency_key = $2::text
   ), node as (
     select $3::bigint is null or exists (select 1 from nodes where id = $3 and deployment_id = $1) as ok
   ), counted as (
     select count(*)::int as n from backups where deployment_id = $1 and status = any($4::text[])
   ), backup as (
     insert into backups (deployment_id, node_id, name, backup_type, status, region, remarks,
                          idempotency_key, expires_at, created_at, updated_at)
     select $1, $3, $5, $6, $7, $8, $9, $2, now() + make_interval(days => $10::int), now(), now()
      where $11::boolean and not exists (select 1 from existing) and (select ok from node)
        and (select n from counted) < $12::int
     returning id, deployment_id
   ), operation as (${operation.sql})
   select (select id::text from existing) as existing_id, (select ok from node) as node_ok,
          (select n from counted) as counted, (select id::text from backup) as backup_id`,
);

/**
 * The API's create, as ONE statement in the caller's transaction: the
 * idempotency lookup, the node check, the count against the limit, the
 * backup's insert and its operation's insert. The caller's earlier statement
 * holds the deployment's row lock, and this statement takes its own snapshot
 * after it, so it counts every create committed before the lock was granted
 * (which a lock taken inside this same statement would not). The rules are
 * createBackupLocked's, decided in the same order: the statement inserts only
 * when all of them pass and reports what it found, and the first rule broken
 * is the error.
 *
 * Why one prepared statement: creates come in bursts (schedule storms,
 * upgrades), and five ORM statements cost a round trip and a parse and plan
 * each while the deployment's row stays locked.
 */
export async function createBackupWithinLimit(
  tx: PreparedRunner,
  deployment: LockedDeployment,
  request: BackupRequest,
): Promise<CreatedBackup> {
  const policy = policyError(deployment);
  const limit = backupLimit(deployment.plan, deployment.backupLimitOverride) ?? 0;
  const pending: BackupStatus = 'pending';
  const [row] = await runPrepared<Outcome>(tx, CREATE, [
    deployment.id,
    request.idempotencyKey,
    request.nodeId,
    LIMITED_BACKUP_STATUSES,
    request.name,
    request.backupType,
    pending,
    deployment.region,
    request.remarks,
    request.expiresInDays,
    policy === null,
    limit,
    operation.status,
  ]);
  if (!row) throw new Error('the create statement returned no row');
  if (row.existing_id !== null) return { backupId: BigInt(row.existing_id), existing: true, rotated: [] };
  if (policy !== null) throw policy;
  if (!row.node_ok && request.nodeId !== null) throw invalidNode(request.nodeId, deployment.id);
  if (row.backup_id === null) throw limitReached(limit, row.counted);
  return { backupId: BigInt(row.backup_id), existing: false, rotated: [] };
}

/** The plan's or the deployment's refusal, if either refuses backups. */
function policyError(deployment: LockedDeployment): DomainError | null {
  try {
    assertPlanHasBackups(deployment.plan);
    assertBackupsSupported(deployment);
    return null;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
}

export function invalidNode(nodeId: bigint, deploymentId: bigint): DomainError {
  return new DomainError(
    'invalid_node',
    `Node ${nodeId} is not a node of deployment ${deploymentId}. Omit node_id to back up every node.`,
  );
}

interface Outcome {
  existing_id: string | null;
  node_ok: boolean;
  counted: number;
  backup_id: string | null;
}
