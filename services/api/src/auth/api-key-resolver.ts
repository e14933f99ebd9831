import type { Orm } from '@backups/shared/db';
import {
  findApiKeyByHash,
  hashApiKey,
  type ResolvedApiKey,
  touchApiKeyLastUsed,
} from '@backups/shared/tenants';
import type { EntityManager } from '@mikro-orm/postgresql';

// Resolving a key costs a query; a short in-process cache keeps hot keys off
// the database. Expiry is checked at every use against the cached row, so only
// a revocation can lag, by at most ttlMs. Unknown keys are never cached, so the
// cache cannot be filled by guessing.
//
// A hot key's entry is looked up again in the background once it is half its
// TTL old, so its requests do not all stop at once to wait for the database
// when it expires; an entry is never used past its TTL, so revocation still
// lags by at most ttlMs. Requests that do miss together share one lookup
// instead of sending one query each. The last-used
// stamp changes at most once a minute (touchApiKeyLastUsed), so a key touched
// by this process within the minute is not touched again.

const MAX_ENTRIES = 10_000;
const TOUCH_EVERY_MS = 60_000;

interface Entry {
  key: ResolvedApiKey;
  at: number;
  touchedAt: number;
}

export class ApiKeyResolver {
  private readonly cache = new Map<string, Entry>();
  private readonly lookups = new Map<string, Promise<ResolvedApiKey | null>>();

  constructor(
    private readonly orm: Orm,
    private readonly ttlMs: number,
  ) {}

  /**
   * Whether this process has found the key valid before and it is still usable
   * as of that lookup (its cached row, however old: only for sparing it the
   * failed-auth throttle, never to authenticate with).
   */
  foundValid(secret: string, now = Date.now()): boolean {
    const entry = this.cache.get(hashApiKey(secret));
    return entry !== undefined && usable(entry.key, now);
  }

  async resolve(secret: string, now = Date.now()): Promise<ResolvedApiKey | null> {
    const hash = hashApiKey(secret);
    const hit = this.cache.get(hash);
    if (hit && now - hit.at < this.ttlMs) {
      if (now - hit.at >= this.ttlMs / 2 && !this.lookups.has(hash)) {
        // A failed refresh leaves the entry to expire: the next miss looks up again.
        this.shared(hash, hit, now).catch(() => undefined);
      }
      return hit.key;
    }
    return this.lookups.get(hash) ?? this.shared(hash, hit, now);
  }

  /** One lookup of a hash at a time, whoever asks. */
  private shared(hash: string, stale: Entry | undefined, now: number): Promise<ResolvedApiKey | null> {
    const lookup = this.lookup(hash, stale, now).finally(() => this.lookups.delete(hash));
    this.lookups.set(hash, lookup);
    return lookup;
  }

  private async lookup(hash: string, stale: Entry | undefined, now: number): Promise<ResolvedApiKey | null> {
    const found = await findApiKeyByHash(this.orm.em.fork() as EntityManager, hash);
    if (!found) {
      this.cache.delete(hash);
      return null;
    }
    let touchedAt = stale?.touchedAt ?? Number.NEGATIVE_INFINITY;
    if (now - touchedAt >= TOUCH_EVERY_MS) {
      touchedAt = now;
      // Best effort and off the request path: a failed touch must not fail the request.
      touchApiKeyLastUsed(this.orm.em.fork() as EntityManager, found.id).catch(() => undefined);
    }
    if (this.ttlMs > 0) {
      if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
      this.cache.set(hash, { key: found, at: now, touchedAt });
    }
    return found;
  }
}

/** Not revoked and not expired (as of the row read). */
export function usable(key: ResolvedApiKey, now = Date.now()): boolean {
  return key.revokedAt === null && (key.expiresAt === null || key.expiresAt.getTime() > now);
}
