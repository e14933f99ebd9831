import type { Orm } from '@backups/shared/db';
import type { Redis } from 'ioredis';
import type { ApiApp } from '../routes/route-kit.js';
import { assertRedisReachable } from '../services/work-signals.js';

/** /healthz: the process is up. /readyz: Postgres and Redis answer (503 otherwise, via onError). */
export function registerHealth(app: ApiApp, deps: { orm: Orm; redis: Redis }): void {
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    await deps.orm.em.fork().getConnection().execute('select 1');
    await assertRedisReachable(deps.redis);
    return c.json({ status: 'ready' });
  });
}
