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

const MAX_ENTRIES = 10_000;

export class ApiKeyResolver {
  private readonly cache = new Map<string, { key: ResolvedApiKey; at: number }>();

  constructor(
    private readonly orm: Orm,
    private readonly ttlMs: number,
  ) {}

  async resolve(secret: string, now = Date.now()): Promise<ResolvedApiKey | null> {
    const hash = hashApiKey(secret);
    const hit = this.cache.get(hash);
    if (hit && now - hit.at < this.ttlMs) return hit.key;
    const found = await findApiKeyByHash(this.orm.em.fork() as EntityManager, hash);
    if (!found) {
      this.cache.delete(hash);
      return null;
    }
    // Best effort and off the request path: a failed touch must not fail the request.
    touchApiKeyLastUsed(this.orm.em.fork() as EntityManager, found.id).catch(() => undefined);
    if (this.ttlMs > 0) {
      if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
      this.cache.set(hash, { key: found, at: now });
    }
    return found;
  }
}
