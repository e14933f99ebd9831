import type { Logger, Permission } from '@backups/shared';

/** Who is calling: resolved from the ld-api-key header by the auth middleware. */
export interface Principal {
  keyId: bigint;
  tenantId: bigint;
  permissions: readonly Permission[];
}

export interface AppEnv {
  Variables: {
    requestId: string;
    logger: Logger;
    principal: Principal;
  };
}
