import type { Logger } from '@backups/shared';
import type { Orm } from '@backups/shared/db';
import { type Ec2Regions, Ec2WaitError } from '@backups/shared/ec2';
import { defineJobHandler } from '@backups/shared/jobs';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CrashPoint } from '../crash.js';
import { deleteBackup } from '../delete/delete-backup.js';
import { continueLater } from './continuation.js';

export interface BackupDeleteDeps {
  orm: Orm;
  ec2: Ec2Regions;
  log: Logger;
  crashPoint: (point: CrashPoint) => void;
  /** Told when a delete ends: done, or failed on its last attempt (seconds of this run). */
  onFinished?: (outcome: 'succeeded' | 'failed', seconds: number) => void;
}

export const backupDeleteJob = (deps: BackupDeleteDeps) =>
  defineJobHandler('backup.delete', async (payload, job, token) => {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const outcome = await deleteBackup(
        {
          em: deps.orm.em.fork() as EntityManager,
          ec2: deps.ec2,
          log: deps.log,
          crashPoint: deps.crashPoint,
        },
        BigInt(payload.backupId),
      );
      if (outcome === 'deleted') deps.onFinished?.('succeeded', seconds());
    } catch (err) {
      // Throttled: come back later without spending one of the job's attempts.
      if (err instanceof Ec2WaitError) await continueLater(job, token, err.retryAfterMs);
      // The last attempt: the backup stays `deleting` until the reconciler re-sends it.
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) deps.onFinished?.('failed', seconds());
      throw err;
    }
  });
