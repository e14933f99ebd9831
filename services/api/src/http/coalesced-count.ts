import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';

/** Where a request falls in its key's window: its place in the count, and when the window ends. */
export interface Counted {
  count: number;
  msBeforeNext: number;
}

interface Waiter {
  resolve(counted: Counted): void;
  reject(err: unknown): void;
}

/**
 * Counts requests in a fixed-window limiter, sending the requests of one key
 * that arrive in the same turn of the event loop as one increment of their
 * number: a key's burst costs one Redis command, not one per request. Each
 * request still learns its own place in the window (the count before the
 * increment plus its rank in the batch), exactly what counting them one by one
 * in arrival order would have told it; a fixed window counts refused requests
 * too, so one increment of n is n increments of one.
 */
export class CoalescedCount {
  private readonly pending = new Map<string, Waiter[]>();

  constructor(private readonly limiter: RateLimiterAbstract) {}

  count(key: string): Promise<Counted> {
    return new Promise((resolve, reject) => {
      let batch = this.pending.get(key);
      if (!batch) {
        batch = [];
        this.pending.set(key, batch);
        // After the poll phase: every request already read off the sockets has joined.
        setImmediate(() => void this.flush(key));
      }
      batch.push({ resolve, reject });
    });
  }

  private async flush(key: string): Promise<void> {
    const batch = this.pending.get(key) ?? [];
    this.pending.delete(key);
    let result: RateLimiterRes;
    try {
      result = await this.limiter.consume(key, batch.length);
    } catch (err) {
      // Over the limit rejects with the same result as under it: where the count stands.
      if (!(err instanceof RateLimiterRes)) {
        for (const waiter of batch) waiter.reject(err);
        return;
      }
      result = err;
    }
    const before = result.consumedPoints - batch.length;
    batch.forEach((waiter, rank) => {
      waiter.resolve({ count: before + rank + 1, msBeforeNext: result.msBeforeNext });
    });
  }
}
