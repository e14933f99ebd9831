import type { Logger } from '@backups/shared';
import { FenceLostError, type Lease, renewLease } from '@backups/shared/operations';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Keeps a lease alive while a step runs (renewing at a third of its length)
 * and answers "may I still act?" from memory before every EC2 mutation. A
 * process that froze (GC pause, SIGSTOP, a VM migration) and wakes after its
 * lease ran out sees its local deadline passed and stops, even before a
 * renewal could tell it that another worker took over; its Postgres writes are
 * refused by the fence in any case.
 */
export class LeaseKeeper {
  private deadline: number;
  private lost = false;
  private timer: NodeJS.Timeout | undefined;
  private renewing: Promise<void> | undefined;

  constructor(
    private readonly em: EntityManager,
    readonly lease: Lease,
    private readonly leaseMs: number,
    private readonly log: Logger,
  ) {
    // Keep a margin for clock drift and the time the acquiring query took.
    this.deadline = Date.now() + leaseMs * 0.8;
  }

  start(): void {
    this.timer = setInterval(
      () => {
        if (!this.renewing) this.renewing = this.renew().finally(() => (this.renewing = undefined));
      },
      Math.max(200, Math.floor(this.leaseMs / 3)),
    );
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.renewing;
  }

  /** Throws FenceLostError when the lease may have passed to another worker. */
  assertHeld(): void {
    if (this.lost || Date.now() > this.deadline) throw new FenceLostError(this.lease.opId, this.lease.fence);
  }

  private async renew(): Promise<void> {
    const startedAt = Date.now();
    try {
      if (await renewLease(this.em.fork(), this.lease, this.leaseMs)) {
        this.deadline = startedAt + this.leaseMs * 0.8;
      } else {
        this.lost = true;
      }
    } catch (err) {
      // Postgres unreachable: the deadline is left alone, so the step stops acting once it passes.
      this.log.warn({ err, opId: this.lease.opId.toString() }, 'lease renewal failed');
    }
  }
}
