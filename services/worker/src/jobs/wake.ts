import type { JobQueues } from '@backups/shared/jobs';
import type { Redis } from 'ioredis';

// How long a wake-up waits to be noticed: far longer than any step, short
// enough that a forgotten one costs nothing.
const WAKE_TTL_MS = 10 * 60_000;

/**
 * Wakes a deployment's operation that waits for an event (capacity granted, its
 * snapshots finished) instead of letting it sleep to its next check.
 *
 * Its drive job is either delayed (then `wake` reschedules it to now) or still
 * running, about to go back to delayed (then the reschedule misses). The flag
 * covers the second case: the job clears it when it starts, and looks for it
 * right after it has put itself back as delayed, so a wake-up that lands in
 * between is seen either way.
 */
export class DeploymentWaker {
  constructor(
    private readonly redis: Redis,
    private readonly queues: JobQueues,
  ) {}

  async wake(deploymentIds: Iterable<bigint>): Promise<void> {
    const unique = [...new Set([...deploymentIds].map(String))];
    if (unique.length === 0) return;
    const flags = this.redis.multi();
    for (const id of unique) flags.set(this.flagKey(id), '1', 'PX', WAKE_TTL_MS);
    await flags.exec();
    await Promise.all(
      unique.map((deploymentId) =>
        this.queues.enqueue('operation.drive', { deploymentId }, 0, { wake: true }),
      ),
    );
  }

  /** At the start of a drive: anything that happens from now on is seen by this run or flagged anew. */
  async clear(deploymentId: bigint): Promise<void> {
    await this.redis.del(this.flagKey(deploymentId.toString()));
  }

  /** After the job went back to delayed: true when someone woke the deployment meanwhile. */
  async taken(deploymentId: bigint): Promise<boolean> {
    return (await this.redis.getdel(this.flagKey(deploymentId.toString()))) !== null;
  }

  private flagKey(deploymentId: string): string {
    return `${this.queues.prefix}:wake:${deploymentId}`;
  }
}
