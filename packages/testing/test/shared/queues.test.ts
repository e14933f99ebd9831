import { JobQueues } from '@backups/shared/jobs';
import { describe, expect, it } from 'vitest';
import { useTestRedis } from '../../src/index.js';

const redis = useTestRedis();

describe('JobQueues', () => {
  it('validates payloads against the catalogue', async () => {
    const queues = new JobQueues(redis.connection(), redis.prefix);
    try {
      await expect(queues.enqueue('backup.delete', { backupId: 'abc' })).rejects.toThrow(/positive integer/);
      await expect(
        queues.enqueue('backup.delete', { backupId: '1', secret: 'x' } as { backupId: string }),
      ).rejects.toThrow(/Unrecognized key/);
    } finally {
      await queues.close();
    }
  });

  it('deduplicates a waiting signal for the same deployment', async () => {
    const queues = new JobQueues(redis.connection(), redis.prefix);
    try {
      await queues.enqueue('operation.drive', { deploymentId: '611298765432109056' });
      await queues.enqueue('operation.drive', { deploymentId: '611298765432109056' });
      await queues.enqueue('operation.drive', { deploymentId: '7' });
      const waiting = await queues.queue('operations').getWaiting();
      expect(waiting.map((j) => j.data.deploymentId).sort()).toEqual(['611298765432109056', '7']);
    } finally {
      await queues.close();
    }
  });
});
