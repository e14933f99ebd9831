import { createBackupLocked, DomainError, lockDeployment } from '@backups/shared/backups';
import type { EntityManager } from '@mikro-orm/postgresql';

// One tick of a deployment's backup schedule: a `scheduled` backup created
// through the same path as a manual one, rotating the oldest completed
// scheduled backup out when the plan limit (or the schedule's keep count)
// would be exceeded. When no backup can be made, the tick is recorded as a
// failed backup whose remark says why, so the tenant sees the missed run.

/** How long the record of a missed run is listed when the schedule's backups never expire. */
const FAILED_RUN_DAYS = 7;

export type FireOutcome =
  | { kind: 'created'; backupId: bigint; rotated: bigint[] }
  | { kind: 'already-fired'; backupId: bigint }
  | { kind: 'recorded-failure'; backupId: bigint; reason: string }
  | { kind: 'no-schedule' };

interface ScheduleRow {
  node_id: string | null;
  expires_in_days: number | null;
  keep_count: number | null;
  enabled: boolean;
}

function tickName(at: Date): string {
  // scheduled-2026-11-27T030000Z: readable, sortable, unique per tick.
  return `scheduled-${at.toISOString().slice(0, 19).replaceAll(':', '')}Z`;
}

/**
 * `tickKey` names the tick (the BullMQ job id of the scheduler's run), so a
 * tick retried after a crash finds the backup it already made.
 */
export async function fireSchedule(
  em: EntityManager,
  deploymentId: bigint,
  tickKey: string,
  tickAt: Date,
): Promise<FireOutcome> {
  return em.transactional(async (tx) => {
    const deployment = await lockDeployment(tx, deploymentId);
    if (!deployment) return { kind: 'no-schedule' };
    const [schedule] = await tx.execute<ScheduleRow[]>(
      'select node_id::text, expires_in_days, keep_count, enabled from backup_schedules where deployment_id = ?',
      [deploymentId],
    );
    if (!schedule?.enabled) return { kind: 'no-schedule' };

    const request = {
      name: tickName(tickAt),
      nodeId: schedule.node_id === null ? null : BigInt(schedule.node_id),
      backupType: 'scheduled' as const,
      remarks: null,
      expiresInDays: schedule.expires_in_days,
      idempotencyKey: tickKey,
    };
    try {
      const created = await createBackupLocked(tx, deployment, request, {
        rotate: 'scheduled',
        keep: schedule.keep_count,
      });
      if (created.existing) return { kind: 'already-fired', backupId: created.backupId };
      return { kind: 'created', backupId: created.backupId, rotated: created.rotated };
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      const reason = `Scheduled backup skipped: ${err.message}`;
      const [row] = await tx.execute<{ id: string }[]>(
        `insert into backups (deployment_id, node_id, name, backup_type, status, region, failure_reason,
                              idempotency_key, started_at, completed_at, expires_at)
         values (?, ?, ?, 'scheduled', 'failed', ?, ?, ?, now(), now(), now() + make_interval(days => ?))
         on conflict (deployment_id, idempotency_key) where idempotency_key is not null do nothing
         returning id::text`,
        // A record of a missed run, not a backup: it expires like the schedule's
        // backups (a week if they never do) so a long outage does not pile them up.
        [
          deploymentId,
          request.nodeId,
          request.name,
          deployment.region,
          reason,
          tickKey,
          schedule.expires_in_days ?? FAILED_RUN_DAYS,
        ],
      );
      if (!row) {
        const existing = await tx.execute<{ id: string }[]>(
          'select id::text from backups where deployment_id = ? and idempotency_key = ?',
          [deploymentId, tickKey],
        );
        return { kind: 'already-fired', backupId: BigInt(existing[0]?.id ?? 0) };
      }
      return { kind: 'recorded-failure', backupId: BigInt(row.id), reason };
    }
  });
}
