import type { Logger } from '@backups/shared';
import type { Redis } from 'ioredis';
import { listChangeChannel } from './list-change-announcement.js';
import { type ListChangeFeed, type ListChangeHandlers, SyncPerTurn } from './list-change-feed.js';

const RETRY_MIN_MS = 200;
const RETRY_MAX_MS = 30_000;

/**
 * A Redis connection of its own (a subscribed connection can run nothing
 * else) subscribed to the channel the API's creates announce on
 * (announceListChange).
 *
 * `sync()` PINGs it. Redis queues a published message on every subscriber's
 * connection while it runs the PUBLISH, and a PING's reply after whatever is
 * queued already, so once the PONG is in, every create answered before the
 * caller asked has been handed to `changed`. A message published while the
 * connection is down is lost, so the feed counts as down from the moment it
 * closes until it has subscribed again, and live() then drops everything.
 */
export class RedisListChangeFeed implements ListChangeFeed {
  private readonly connection: Redis;
  private readonly channel: string;
  private subscribed = false;
  private subscribing: Promise<void> | undefined;
  /** Bumped at every close: a late answer to an older connection's SUBSCRIBE is ignored. */
  private connectionCount = 0;
  private closed = false;
  private readonly syncs = new SyncPerTurn('the backup list announcements are behind', () =>
    // Half-open: no error will ever come, so the feed closes the connection itself (ioredis reconnects).
    this.connection.disconnect(true),
  );
  /** SUBSCRIBE refusals in a row (e.g. an ACL without channel rights): retried with a growing pause, logged once. */
  private refusals = 0;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    redis: Redis,
    redisPrefix: string,
    private readonly handlers: ListChangeHandlers,
    private readonly logger: Logger,
  ) {
    this.channel = listChangeChannel(redisPrefix);
    this.connection = redis.duplicate({
      lazyConnect: true,
      enableOfflineQueue: false,
      enableAutoPipelining: false,
      autoResubscribe: false,
      maxRetriesPerRequest: 1,
      connectionName: 'api-list-changes',
    });
    this.connection.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.handlers.changed(message);
    });
    this.connection.on('ready', () => void this.subscribe());
    this.connection.on('close', () => this.drop());
    // ioredis reconnects on its own and 'close' reports the loss; this only keeps
    // an 'error' with no listener from being thrown.
    this.connection.on('error', () => undefined);
  }

  /** Connects and subscribes; ioredis keeps reconnecting in the background until close(). */
  async start(): Promise<void> {
    await this.connection.connect().catch(() => undefined);
    await this.subscribing;
  }

  get isLive(): boolean {
    return this.subscribed;
  }

  sync(): Promise<void> {
    if (!this.subscribed) return Promise.reject(new Error('the backup list announcements are not heard'));
    return this.syncs.run(() => this.connection.ping());
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subscribed = false;
    clearTimeout(this.retryTimer);
    await this.connection.quit().catch(() => this.connection.disconnect());
  }

  private subscribe(): Promise<void> {
    const count = this.connectionCount;
    this.subscribing = this.connection.subscribe(this.channel).then(
      () => {
        if (count !== this.connectionCount || this.closed) return;
        if (this.refusals > 0)
          this.logger.info({ refusals: this.refusals }, 'backup list announcements: subscribed');
        this.refusals = 0;
        this.syncs.reset();
        this.subscribed = true;
        this.handlers.live();
      },
      (err: Error) => {
        if (count !== this.connectionCount || this.closed) return;
        // The connection itself is fine (a refusal, not a loss): ask again on it, less and less often.
        if (this.refusals === 0)
          this.logger.warn(
            { err: { message: err.message } },
            'backup list announcements: SUBSCRIBE refused; lists are read from Postgres until it is allowed',
          );
        this.refusals += 1;
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(
          () => {
            if (count === this.connectionCount && !this.closed) void this.subscribe();
          },
          Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** this.refusals),
        );
        this.retryTimer.unref();
      },
    );
    return this.subscribing;
  }

  private drop(): void {
    this.connectionCount += 1;
    const wasLive = this.subscribed;
    this.subscribed = false;
    this.handlers.lost();
    if (wasLive && !this.closed) this.logger.warn('backup list announcements lost; reconnecting');
  }
}
