import { defineJobHandler } from '@backups/shared/jobs';
import { type DriveDeps, driveDeployment } from '../operations/drive.js';
import { continueLater } from './continuation.js';

export const operationDriveJob = (deps: DriveDeps) =>
  defineJobHandler('operation.drive', async (payload, job, token) => {
    const outcome = await driveDeployment(deps, BigInt(payload.deploymentId));
    if (outcome.kind === 'later') await continueLater(job, token, outcome.delayMs);
  });
