import type { EntityManager } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';

export interface Readiness {
  ok: boolean;
  checks: Record<string, { ok: boolean; error?: string }>;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/** Postgres and Redis reachable, each within a short timeout. */
export async function checkReadiness(
  deps: { em: () => EntityManager; redis: Redis },
  timeoutMs = 2000,
): Promise<Readiness> {
  const check = async (fn: () => Promise<unknown>) => {
    try {
      await withTimeout(fn(), timeoutMs);
      return { ok: true };
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    }
  };
  const [postgres, redis] = await Promise.all([
    check(() => deps.em().getConnection().execute('select 1')),
    check(() => deps.redis.ping()),
  ]);
  return { ok: postgres.ok && redis.ok, checks: { postgres, redis } };
}
