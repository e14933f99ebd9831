import { UNSETTLED_BACKUP_STATUSES } from '@backups/shared/backups';
import { UNFINISHED_OPERATION_STATUSES } from '@backups/shared/operations';
import { ACTIVE_RESTORE_STATUSES } from '@backups/shared/restores';
import { ACTIVE_UPGRADE_STATUSES } from '@backups/shared/upgrades';
import type { ChaosDb } from './db.js';

// Once the load stops: the fleet, all of it running, finishes what it was
// given. Settled means nothing unfinished anywhere in Postgres (operations,
// backups, deletes, restores, upgrades, deployments mid-change), seen twice
// ten seconds apart so that a late scheduled tick or re-driven signal is not
// missed. A hang guard, not a budget: on timeout it says what is stuck.

const RUNNING_DEPLOYMENT = 'running';
const STABLE_FOR_MS = 10_000;

/** Every row that is not at an end yet, one line each. */
export async function unsettled(db: ChaosDb): Promise<string[]> {
  const [operations, backups, restores, upgrades, deployments] = await Promise.all([
    db.rows<{ line: string }>(
      `select format('operation %s (%s of deployment %s) %s, attempts %s, lease %s until %s, error %s',
         id, kind, deployment_id, status, attempts, lease_owner, lease_expires_at, error) as line
       from operations where status = any($1) order by id`,
      [UNFINISHED_OPERATION_STATUSES],
    ),
    db.rows<{ line: string }>(
      `select format('backup %s of deployment %s %s since %s', id, deployment_id, status, updated_at) as line
       from backups where status = any($1) order by id`,
      [[...UNSETTLED_BACKUP_STATUSES, 'deleting']],
    ),
    db.rows<{ line: string }>(
      `select format('restore %s of deployment %s %s at step %s', id, deployment_id, status, step) as line
       from restores where status = any($1) order by id`,
      [ACTIVE_RESTORE_STATUSES],
    ),
    db.rows<{ line: string }>(
      `select format('upgrade %s of deployment %s %s at step %s', id, deployment_id, status, step) as line
       from upgrades where status = any($1) order by id`,
      [ACTIVE_UPGRADE_STATUSES],
    ),
    db.rows<{ line: string }>(
      `select format('deployment %s is %s', id, status) as line from deployments where status <> $1 order by id`,
      [RUNNING_DEPLOYMENT],
    ),
  ]);
  return [...operations, ...backups, ...restores, ...upgrades, ...deployments].map((r) => r.line);
}

export type SettleResult = { settled: true; ms: number } | { settled: false; ms: number; stuck: string[] };

export async function waitSettled(db: ChaosDb, timeoutMs: number): Promise<SettleResult> {
  const start = Date.now();
  let quietSince: number | null = null;
  let last: string[] = [];
  while (Date.now() - start < timeoutMs) {
    last = await unsettled(db).catch((err: unknown) => [`(could not read Postgres: ${String(err)})`]);
    if (last.length) quietSince = null;
    else {
      quietSince ??= Date.now();
      if (Date.now() - quietSince >= STABLE_FOR_MS) return { settled: true, ms: quietSince - start };
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  return { settled: false, ms: Date.now() - start, stuck: last };
}
