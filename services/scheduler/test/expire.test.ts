import { JobQueues } from '@backups/shared/jobs';
import { newBackup, seedDeployment, useTestDatabase, useTestRedis } from '@backups/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireBackups } from '../src/maintenance/expire.js';

const db = useTestDatabase();
const redis = useTestRedis();
let queues: JobQueues;

beforeAll(() => {
  queues = new JobQueues(redis.connection(), redis.prefix);
});
afterAll(async () => {
  await queues.close();
});

describe('expireBackups', () => {
  it('moves settled backups past expiry to deleting and queues their deletes; leaves running, restored-from and unexpired ones', async () => {
    const em = db.orm.em.fork();
    const { deploymentId } = await seedDeployment(em);
    const past = new Date(Date.now() - 60_000);
    const future = new Date(Date.now() + 3600_000);
    const make = (status: 'pending' | 'in_progress' | 'completed' | 'failed', expiresAt: Date | null) => {
      const b = newBackup(em, deploymentId, status === 'in_progress' ? 'in_progress' : 'pending');
      b.status = status;
      b.expiresAt = expiresAt;
      if (status === 'completed') {
        b.completedAt = new Date();
        b.sizeBytes = 1n;
      }
      return b;
    };
    const expired = make('completed', past);
    const expiredFailed = make('failed', past);
    const running = make('in_progress', past);
    const notYet = make('completed', future);
    const never = make('completed', null);
    const beingRestored = make('completed', past);
    await em.flush();
    await em
      .getConnection()
      .execute("insert into restores (deployment_id, backup_id, status) values (?, ?, 'in_progress')", [
        deploymentId,
        beingRestored.id,
      ]);

    const ids = await expireBackups(em, queues);
    expect(ids.sort()).toEqual([expired.id, expiredFailed.id].map(String).sort());

    const statuses = await em
      .getConnection()
      .execute<{ id: string; status: string }[]>(
        'select id::text, status from backups where deployment_id = ?',
        [deploymentId],
      );
    const byId = new Map(statuses.map((r) => [r.id, r.status]));
    expect(byId.get(String(expired.id))).toBe('deleting');
    expect(byId.get(String(expiredFailed.id))).toBe('deleting');
    expect(byId.get(String(running.id))).toBe('in_progress');
    expect(byId.get(String(notYet.id))).toBe('completed');
    expect(byId.get(String(never.id))).toBe('completed');
    expect(byId.get(String(beingRestored.id))).toBe('completed');

    const waiting = await queues.queue('deletes').getWaiting();
    expect(waiting.map((j) => j.data.backupId).sort()).toEqual(ids.sort());

    // Running it again finds nothing new.
    expect(await expireBackups(em, queues)).toEqual([]);
  });
});
