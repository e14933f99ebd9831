import type { Orm } from '@backups/shared/db';
import { checkReadiness, type Readiness } from '@backups/shared/observability';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';
import type { ApiApp } from '../routes/route-kit.js';

const READINESS_TIMEOUT_MS = 1_000;

/**
 * /healthz: the process is up. /readyz: Postgres and Redis each answer within a
 * second (200), or not (503); the body says which, without the error text
 * (this port may face the internet), which goes to the log instead.
 */
export function registerHealth(app: ApiApp, deps: { orm: Orm; redis: Redis }): void {
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const result = await readiness(deps);
    const checks = {
      postgres: { ok: result.checks.postgres?.ok ?? false },
      redis: { ok: result.checks.redis?.ok ?? false },
    };
    if (!result.ok) c.get('logger').warn({ checks: result.checks }, 'not ready');
    return c.json({ status: result.ok ? 'ready' : 'not_ready', checks }, result.ok ? 200 : 503);
  });
}

/** Postgres and Redis each answer within a second: the check behind both ports' /readyz. */
export function readiness(deps: { orm: Orm; redis: Redis }): Promise<Readiness> {
  return checkReadiness(
    { em: () => deps.orm.em.fork() as EntityManager, redis: deps.redis },
    READINESS_TIMEOUT_MS,
  );
}
