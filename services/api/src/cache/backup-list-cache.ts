import type { Logger } from '@backups/shared';
import type { Redis } from 'ioredis';
import type { ListChangeFeed, ListChangeHandlers } from './list-change-feed.js';
import { PostgresListChangeFeed } from './postgres-list-change-feed.js';
import { RedisListChangeFeed } from './redis-list-change-feed.js';

export interface BackupListCacheOptions {
  /** Where the Postgres change feed connects. */
  databaseUrl: string;
  /** Duplicated for the Redis change feed (the API's own creates). */
  redis: Redis;
  redisPrefix: string;
  logger: Logger;
  /** Rendered lists kept; the least recently stored goes first. */
  maxEntries: number;
}

/** A body this large is served but not kept (a list of thousands of backups). */
const MAX_BODY_CHARS = 512 * 1024;
/** Deployments whose change count is remembered; past this all are forgotten at once (cheap, rare). */
const MAX_GENERATIONS = 100_000;
/** A safety net only: changes drop entries as they commit; this bounds a change nobody announced. */
const MAX_AGE_MS = 60_000;

interface Entry {
  tenantId: bigint;
  body: string;
  at: number;
}

/**
 * Rendered backup lists (the JSON the list route answers), kept per
 * deployment because consoles poll them, and dropped the moment a change to
 * the deployment's backups commits. Two feeds announce changes: Postgres
 * (migration 0007's triggers, whoever writes) and Redis (the API's own
 * creates, see announceListChange). A read is served from memory only after
 * both have caught up with the moment the request arrived (`sync`), so a
 * client that created a backup through any API process sees it in its next
 * list from any other.
 *
 * A render is kept only if no change to its deployment was heard while it was
 * being read (the generation check) and both feeds stayed up throughout; while
 * either is down nothing is served from or kept in memory.
 */
export class BackupListCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every change heard for a deployment (and for all at once by `*` or a feed loss). */
  private readonly generations = new Map<string, number>();
  private epoch = 0;
  private readonly feeds: ListChangeFeed[];

  constructor(private readonly opts: BackupListCacheOptions) {
    const handlers: ListChangeHandlers = {
      changed: (deployment) => this.changed(deployment),
      live: () => this.forgetAll(),
      lost: () => this.forgetAll(),
    };
    this.feeds = [
      new PostgresListChangeFeed(opts.databaseUrl, handlers, opts.logger),
      new RedisListChangeFeed(opts.redis, opts.redisPrefix, handlers, opts.logger),
    ];
  }

  /** Resolves once both feeds are live, or have failed and keep retrying in the background. */
  async start(): Promise<void> {
    await Promise.all(this.feeds.map((feed) => feed.start()));
  }

  async close(): Promise<void> {
    this.forgetAll();
    await Promise.all(this.feeds.map((feed) => feed.close()));
  }

  /**
   * The deployment's rendered list for this tenant: from memory when it is
   * current, else from `render` (which does the tenant check and throws for a
   * deployment the tenant cannot see; nothing is kept then).
   */
  async read(deploymentId: bigint, tenantId: bigint, render: () => Promise<string>): Promise<string> {
    const key = deploymentId.toString();
    if (!this.isLive) return render();
    try {
      await Promise.all(this.feeds.map((feed) => feed.sync()));
    } catch {
      return render();
    }
    const hit = this.entries.get(key);
    if (hit && hit.tenantId === tenantId && Date.now() - hit.at < MAX_AGE_MS) return hit.body;
    const seen = this.generation(key);
    const body = await render();
    if (this.isLive && this.generation(key) === seen && body.length <= MAX_BODY_CHARS) {
      this.entries.delete(key);
      if (this.entries.size >= this.opts.maxEntries) {
        const oldest = this.entries.keys().next();
        if (!oldest.done) this.entries.delete(oldest.value);
      }
      this.entries.set(key, { tenantId, body, at: Date.now() });
    }
    return body;
  }

  /** How many lists are held (for tests and metrics). */
  get size(): number {
    return this.entries.size;
  }

  /** Both change feeds are up, so lists are kept (for tests and metrics). */
  get isLive(): boolean {
    return this.feeds.every((feed) => feed.isLive);
  }

  private generation(key: string): string {
    return `${this.epoch}:${this.generations.get(key) ?? 0}`;
  }

  private changed(deployment: string): void {
    if (deployment === '*') {
      this.forgetAll();
      return;
    }
    this.entries.delete(deployment);
    if (this.generations.size >= MAX_GENERATIONS) this.forgetAll();
    this.generations.set(deployment, (this.generations.get(deployment) ?? 0) + 1);
  }

  private forgetAll(): void {
    this.entries.clear();
    this.generations.clear();
    this.epoch += 1;
  }
}
