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
 * Shares one catch-up probe among the callers of an event-loop turn (a probe
 * sent after all of them asked answers for all of them), and fails it after
 * SYNC_TIMEOUT_MS: a stalled connection must not hold requests up.
 */
export class SyncPerTurn {
  private next: { promise: Promise<void>; started: boolean } | undefined;

  constructor(private readonly behind: string) {}

  run(probe: () => Promise<unknown>): Promise<void> {
    if (this.next && !this.next.started) return this.next.promise;
    const pending = {
      started: false,
      promise: new Promise<void>((resolve, reject) => {
        setImmediate(() => {
          pending.started = true;
          const late = setTimeout(() => reject(new Error(this.behind)), SYNC_TIMEOUT_MS);
          probe().then(
            () => {
              clearTimeout(late);
              resolve();
            },
            (err: Error) => {
              clearTimeout(late);
              reject(err);
            },
          );
        });
      }),
    };
    this.next = pending;
    return pending.promise;
  }
}
