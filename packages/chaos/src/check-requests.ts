import type { EmulatorState } from '@backups/ec2-emulator';
import { TAG_BACKUP } from '@backups/shared/ec2';
import type { ChaosDb } from './db.js';
import type { AcceptedRequest, Ledger, RequestKind, ScheduleState } from './ledger.js';

// Did every accepted request reach its end? Backups completed, or failed with
// a reason, or deleted by a delete the load sent (or rotated out by a
// schedule); restores completed, rolled back or failed with a reason; upgrades
// completed or failed with a reason; deleted backups gone from Postgres and
// EC2 alike; each deployment's schedule as the load last left it.

export interface Outcomes {
  /** kind → end → count */
  byKind: Map<RequestKind, Map<string, number>>;
  problems: string[];
}

interface Row {
  id: string;
  status: string;
  reason: string | null;
  node_id?: string | null;
  backup_type?: string;
}

const byId = (rows: Row[]) => new Map(rows.map((r) => [r.id, r]));

function count(outcomes: Outcomes, kind: RequestKind, end: string): void {
  const ends = outcomes.byKind.get(kind) ?? new Map<string, number>();
  ends.set(end, (ends.get(end) ?? 0) + 1);
  outcomes.byKind.set(kind, ends);
}

function sameSchedule(row: ScheduleState | null, wanted: ScheduleState | null): boolean {
  if (row === null || wanted === null) return row === wanted;
  return (
    row.cron === wanted.cron &&
    row.node_id === wanted.node_id &&
    row.expires_in_days === wanted.expires_in_days &&
    row.keep_count === wanted.keep_count &&
    row.enabled === wanted.enabled
  );
}

export async function checkAcceptedRequests(
  db: ChaosDb,
  ledger: Ledger,
  state: EmulatorState,
  deploymentIds: string[],
): Promise<Outcomes> {
  const outcomes: Outcomes = { byKind: new Map(), problems: [] };
  const problem = (a: AcceptedRequest, what: string) =>
    outcomes.problems.push(`${a.kind} ${a.id ?? ''} of deployment ${a.deploymentId}: ${what}`);
  const backups = byId(
    await db.rows(
      'select id::text, status, failure_reason as reason, node_id::text, backup_type from backups',
    ),
  );
  const restores = byId(await db.rows('select id::text, status, error as reason from restores'));
  const upgrades = byId(await db.rows('select id::text, status, error as reason from upgrades'));
  const liveSnapshots = new Map<string, number>(
    (
      await db.rows<{ id: string; n: number }>(
        'select backup_id::text as id, count(*)::int as n from backup_snapshots where state <> $1 group by 1',
        ['deleted'],
      )
    ).map((r) => [r.id, r.n]),
  );
  const inEc2 = new Set(state.snapshots.map((s) => s.tags[TAG_BACKUP]));

  for (const a of ledger.accepted) {
    if (a.kind === 'schedule_put' || a.kind === 'schedule_delete') {
      count(outcomes, a.kind, 'saved');
      continue;
    }
    const row =
      a.id === null
        ? undefined
        : (a.kind === 'restore' ? restores : a.kind === 'upgrade' ? upgrades : backups).get(a.id);
    if (!row) {
      problem(a, 'accepted, but Postgres has no such row');
      continue;
    }
    count(outcomes, a.kind, row.status);
    if (a.kind === 'backup' || a.kind === 'backup_node') {
      if (row.status === 'failed' && !row.reason) problem(a, 'failed without a reason');
      else if (row.status === 'deleted' && !ledger.deleteSent.has(row.id) && row.backup_type === 'manual')
        problem(a, 'deleted, but no delete was sent for it');
      else if (!['completed', 'failed', 'deleted'].includes(row.status)) problem(a, `ended ${row.status}`);
      if (a.nodeId !== null && row.node_id !== a.nodeId)
        problem(a, `asked for node ${a.nodeId}, got ${row.node_id}`);
    } else if (a.kind === 'restore') {
      if (!['completed', 'rolled_back', 'failed'].includes(row.status)) problem(a, `ended ${row.status}`);
      else if (row.status !== 'completed' && !row.reason) problem(a, `${row.status} without a reason`);
    } else if (a.kind === 'upgrade') {
      if (!['completed', 'failed'].includes(row.status)) problem(a, `ended ${row.status}`);
      else if (row.status === 'failed' && !row.reason) problem(a, 'failed without a reason');
    } else if (a.kind === 'delete') {
      if (row.status !== 'deleted') problem(a, `the deleted backup is ${row.status}`);
      if (liveSnapshots.get(a.id ?? '')) problem(a, 'the deleted backup still has snapshots recorded');
      if (inEc2.has(a.id ?? '')) problem(a, 'the deleted backup still has snapshots in EC2');
    }
  }

  const schedules = new Map(
    (
      await db.rows<ScheduleState & { deployment_id: string }>(
        `select deployment_id::text, cron, node_id::text, expires_in_days, keep_count, enabled from backup_schedules`,
      )
    ).map((r) => [r.deployment_id, r]),
  );
  for (const id of deploymentIds) {
    const row = schedules.get(id) ?? null;
    const wanted = ledger.expectedSchedules(id);
    if (!wanted.some((w) => sameSchedule(row, w)))
      outcomes.problems.push(
        `schedule of deployment ${id} is ${JSON.stringify(row)}, expected one of ${JSON.stringify(wanted)}`,
      );
  }
  return outcomes;
}
