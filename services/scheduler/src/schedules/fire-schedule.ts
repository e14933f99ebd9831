import { createBackupLocked, DomainError, insertMissedRun, lockDeployment } from '@backups/shared/backups';
import { getSchedule } from '@backups/shared/schedules';
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
    const schedule = await getSchedule(tx, deploymentId);
    if (!schedule?.enabled) return { kind: 'no-schedule' };

    const request = {
      name: tickName(tickAt),
      nodeId: schedule.nodeId ?? null,
      backupType: 'scheduled' as const,
      remarks: null,
      expiresInDays: schedule.expiresInDays ?? null,
      idempotencyKey: tickKey,
    };
    try {
      const created = await createBackupLocked(tx, deployment, request, {
        rotate: 'scheduled',
        keep: schedule.keepCount ?? null,
      });
      if (created.existing) return { kind: 'already-fired', backupId: created.backupId };
      return { kind: 'created', backupId: created.backupId, rotated: created.rotated };
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      const reason = `Scheduled backup skipped: ${err.message}`;
      // A record of a missed run, not a backup: it expires like the schedule's
      // backups (a week if they never do) so a long outage does not pile them up.
      // The tick's key was looked up under the deployment lock, so it is free.
      const backupId = await insertMissedRun(tx, {
        deploymentId,
        nodeId: request.nodeId,
        name: request.name,
        region: deployment.region,
        reason,
        idempotencyKey: tickKey,
        expiresInDays: schedule.expiresInDays ?? FAILED_RUN_DAYS,
      });
      return { kind: 'recorded-failure', backupId, reason };
    }
  });
}
