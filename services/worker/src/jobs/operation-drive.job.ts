import { defineJobHandler } from '@backups/shared/jobs';
import { DelayedError } from 'bullmq';
import { type DriveDeps, driveDeployment } from '../operations/drive.js';
import { continueLater } from './continuation.js';
import type { DeploymentWaker } from './wake.js';

export const operationDriveJob = (deps: DriveDeps & { waker: DeploymentWaker }) =>
  defineJobHandler('operation.drive', async (payload, job, token) => {
    const deploymentId = BigInt(payload.deploymentId);
    await deps.waker.clear(deploymentId);
    const outcome = await driveDeployment(deps, deploymentId);
    if (outcome.kind !== 'later') return;
    try {
      await continueLater(job, token, outcome.delayMs);
    } catch (err) {
      // Woken while it was going back to sleep: run again now. The wake-up may have
      // rescheduled the job itself meanwhile (then it is no longer delayed, and
      // promoting it fails harmlessly).
      if (err instanceof DelayedError && outcome.delayMs > 0 && (await deps.waker.taken(deploymentId)))
        await job.promote().catch(() => undefined);
      throw err;
    }
  });
