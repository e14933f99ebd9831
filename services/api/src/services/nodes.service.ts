import { listDeploymentNodes } from '../repositories/deployment.repository.js';
import { requireDeployment } from './deployment-access.js';
import { type Caller, forkEm, type ServiceDeps } from './service-deps.js';

/** The nodes a backup or schedule may be scoped to (the Console's node selector). */
export async function listNodes(deps: ServiceDeps, caller: Caller, deploymentId: bigint) {
  const em = forkEm(deps);
  await requireDeployment(em, caller, deploymentId);
  return listDeploymentNodes(em, deploymentId);
}
