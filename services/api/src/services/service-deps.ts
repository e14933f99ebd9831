import type { Logger } from '@backups/shared';
import type { Orm } from '@backups/shared/db';
import type { JobQueues } from '@backups/shared/jobs';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';
import type { BackupListCache } from '../cache/backup-list-cache.js';

export interface ServiceDeps {
  orm: Orm;
  redis: Redis;
  queues: JobQueues;
  /** Rendered backup lists kept between polls; every list is read from Postgres when omitted. */
  listCache?: BackupListCache;
}

export interface Caller {
  tenantId: bigint;
  logger: Logger;
}

/** A fresh EntityManager per request: the global one is never used. */
export function forkEm(deps: ServiceDeps): EntityManager {
  return deps.orm.em.fork() as EntityManager;
}
