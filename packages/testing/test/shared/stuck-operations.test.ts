import { findStuckOperations } from '@backups/shared/operations';
import type { EntityManager } from '@mikro-orm/postgresql';
import { describe, expect, it } from 'vitest';
import { newBackup, seedDeployment, useTestDatabase } from '../../src/index.js';

const db = useTestDatabase();

describe('findStuckOperations', () => {
  it('reports operations unfinished beyond the bound, and only those', async () => {
    const em = db.orm.em.fork() as EntityManager;
    const { deploymentId } = await seedDeployment(em);
    const old = newBackup(em, deploymentId);
    const recent = newBackup(em, deploymentId);
    const done = newBackup(em, deploymentId);
    await em.flush();
    const insert = (backupId: bigint, status: string, startedAgo: string) =>
      em.execute(
        `insert into operations (deployment_id, kind, backup_id, status, started_at, created_at)
         values (?, 'backup', ?, ?, now() - ?::interval, now() - ?::interval) returning id::text`,
        [deploymentId, backupId, status, startedAgo, startedAgo],
      );
    const [stuck] = await insert(old.id, 'running', '5 hours');
    await insert(recent.id, 'queued', '10 minutes'); // waiting behind it, not yet stuck
    await insert(done.id, 'succeeded', '9 hours');

    const found = await findStuckOperations(em, 4 * 3600_000);
    expect(found).toEqual([
      expect.objectContaining({ id: (stuck as { id: string }).id, kind: 'backup', status: 'running' }),
    ]);
    expect(found[0]?.ageSeconds).toBeGreaterThanOrEqual(5 * 3600 - 5);
  });
});
