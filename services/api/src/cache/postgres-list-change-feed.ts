import type { Logger } from '@backups/shared';
import { BACKUP_LIST_CHANNEL } from '@backups/shared/db';
import pg from 'pg';
import { type ListChangeFeed, type ListChangeHandlers, SyncPerTurn } from './list-change-feed.js';

const RETRY_MIN_MS = 200;
const RETRY_MAX_MS = 5_000;

/**
 * One dedicated Postgres connection that LISTENs on the backup-list channel
 * (migration 0007's triggers notify it at every commit that changes a list,
 * whoever writes it; the API's own creates announce through Redis instead).
 *
 * `sync()` is what makes a cache built on it read-your-writes, across API
 * processes too: it runs a trivial query on this connection that starts after
 * the caller asked. Postgres delivers a listening session's pending
 * notifications before it reads the next command, so once that query answers,
 * every change committed before the caller asked has been handed to
 * `changed`. Callers of one event-loop turn share one query.
 */
export class PostgresListChangeFeed implements ListChangeFeed {
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private closed = false;
  private retryMs = RETRY_MIN_MS;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly syncs = new SyncPerTurn('the backup list change feed is behind', () => {
    // Half-open: no error will ever come, so the feed ends the connection itself.
    if (this.client) this.drop(this.client, new Error('the connection stopped answering'));
  });

  constructor(
    private readonly databaseUrl: string,
    private readonly handlers: ListChangeHandlers,
    private readonly logger: Logger,
  ) {}

  /** Connects and starts listening; retries in the background until close(). */
  start(): Promise<void> {
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  get isLive(): boolean {
    return this.client !== undefined;
  }

  /**
   * Resolves once every change committed before this call has been handed to
   * `changed`; rejects when the feed is down or has not caught up in time.
   */
  sync(): Promise<void> {
    const client = this.client;
    if (!client) return Promise.reject(new Error('the backup list change feed is down'));
    return this.syncs.run(() => client.query('select 1'));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({
      connectionString: this.databaseUrl,
      application_name: 'api-list-changes',
      // A connect that hangs would keep the feed (and the cache) off without a word.
      connectionTimeoutMillis: 10_000,
    });
    client.on('notification', (msg) => {
      if (msg.channel === BACKUP_LIST_CHANNEL && msg.payload) this.handlers.changed(msg.payload);
    });
    client.on('error', (err) => this.drop(client, err));
    client.on('end', () => this.drop(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`listen ${BACKUP_LIST_CHANNEL}`);
    } catch (err) {
      this.drop(client, err as Error);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.syncs.reset();
    this.retryMs = RETRY_MIN_MS;
    this.handlers.live();
  }

  private readonly dropped = new WeakSet<pg.Client>();

  private drop(client: pg.Client, err: Error): void {
    // 'error' and 'end' both arrive for one loss; the first one handles it.
    if (this.dropped.has(client)) return;
    this.dropped.add(client);
    client.end().catch(() => undefined);
    const wasLive = this.client === client;
    if (wasLive) this.client = undefined;
    // Lost before live() too: whatever was cached meanwhile is not trusted.
    this.handlers.lost();
    if (this.closed) return;
    if (wasLive)
      this.logger.warn({ err: { message: err.message } }, 'backup list change feed lost; reconnecting');
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.start(), this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
  }
}
