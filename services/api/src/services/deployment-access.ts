import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiError } from '../errors/codes.js';
import { findTenantDeployment, type TenantDeployment } from '../repositories/deployment.repository.js';
import type { Caller } from './service-deps.js';

/** One wording for "absent" and "another tenant's", so ids of other tenants are never revealed. */
export function notFound(what: string): ApiError {
  return new ApiError(
    'not_found',
    `${what} was not found. Check the id and that your API key's tenant owns it.`,
  );
}

export async function requireDeployment(
  em: EntityManager,
  caller: Caller,
  deploymentId: bigint,
  forUpdate = false,
): Promise<TenantDeployment> {
  const deployment = await findTenantDeployment(em, caller.tenantId, deploymentId, { forUpdate });
  if (!deployment) throw notFound(`Deployment ${deploymentId}`);
  return deployment;
}
