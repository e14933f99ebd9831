export interface ListChangeHandlers {
  /** A deployment's backup list changed (committed), or `*`: any may have. */
  changed(deployment: string): void;
  /** The feed is live from now on; anything before may have been missed. */
  live(): void;
  /** The feed is down: changes are not being heard. */
  lost(): void;
}

/**
 * A stream of "this deployment's list changed" announcements that the list
 * cache trusts only while it is live, and only up to the moment of its last
 * `sync()`.
 */
export interface ListChangeFeed {
  start(): Promise<void>;
  close(): Promise<void>;
  readonly isLive: boolean;
  /**
   * Resolves once every change announced before this call has been handed to
   * `changed`; rejects when the feed is down or behind.
   */
  sync(): Promise<void>;
}

/** A feed that has not caught up by then is treated as behind: the caller reads Postgres instead. */
const SYNC_TIMEOUT_MS = 1_000;
/**
 * A probe unanswered this long means the connection is stuck (half-open, no
 * FIN or RST ever coming): the feed drops it and reconnects. Longer than
 * SYNC_TIMEOUT_MS so that a moment of slowness costs a few direct reads, not
 * the whole cache.
 */
const STUCK_AFTER_MS = 10_000;

/**
 * Shares one catch-up probe among the callers of an event-loop turn (a probe
 * sent after all of them asked answers for all of them), and fails it after
 * SYNC_TIMEOUT_MS: a stalled connection must not hold requests up. While a
 * probe is overdue no new one is sent (they would only queue behind it);
 * callers are told at once that the feed is behind. `stuck` is called when a
 * probe has gone unanswered for STUCK_AFTER_MS.
 */
export class SyncPerTurn {
  private next: { promise: Promise<void>; started: boolean } | undefined;
  /** When each unanswered probe was sent, oldest first (a connection answers in order). */
  private sent: number[] = [];

  constructor(
    private readonly behind: string,
    private readonly stuck: () => void,
  ) {}

  run(probe: () => Promise<unknown>): Promise<void> {
    const oldest = this.sent[0];
    if (oldest !== undefined && Date.now() - oldest >= SYNC_TIMEOUT_MS) {
      return Promise.reject(new Error(this.behind));
    }
    if (this.next && !this.next.started) return this.next.promise;
    const pending = {
      started: false,
      promise: new Promise<void>((resolve, reject) => {
        setImmediate(() => {
          pending.started = true;
          const sentAt = Date.now();
          this.sent.push(sentAt);
          const late = setTimeout(() => reject(new Error(this.behind)), SYNC_TIMEOUT_MS);
          const dead = setTimeout(() => this.stuck(), STUCK_AFTER_MS);
          dead.unref();
          const settle = () => {
            clearTimeout(late);
            clearTimeout(dead);
            // Answers come in order: this one also accounts for every probe sent before it.
            this.sent = this.sent.filter((t) => t > sentAt);
          };
          probe().then(
            () => {
              settle();
              resolve();
            },
            (err: Error) => {
              settle();
              reject(err);
            },
          );
        });
      }),
    };
    this.next = pending;
    return pending.promise;
  }

  /** A new connection: nothing is outstanding on it. */
  reset(): void {
    this.sent = [];
  }
}
