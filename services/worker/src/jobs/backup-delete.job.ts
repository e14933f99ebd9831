import type { Logger } from '@backups/shared';
import type { Orm } from '@backups/shared/db';
import { type Ec2Regions, Ec2WaitError } from '@backups/shared/ec2';
import { defineJobHandler } from '@backups/shared/jobs';
import { deleteBackup } from '../delete/delete-backup.js';
import type { Em } from '../operations/sql.js';
import { continueLater } from './continuation.js';

export const backupDeleteJob = (deps: { orm: Orm; ec2: Ec2Regions; log: Logger }) =>
  defineJobHandler('backup.delete', async (payload, job, token) => {
    try {
      await deleteBackup(
        { em: deps.orm.em.fork() as Em, ec2: deps.ec2, log: deps.log },
        BigInt(payload.backupId),
      );
    } catch (err) {
      // Throttled: come back later without spending one of the job's attempts.
      if (err instanceof Ec2WaitError) await continueLater(job, token, err.retryAfterMs);
      throw err;
    }
  });
