import { TransactionPropagation } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Runs `fn` in the caller's transaction when there is one (no savepoint, so no
 * extra round trips: MikroORM's default would nest one), else in a new one.
 */
export function inTransaction<T>(em: EntityManager, fn: (tx: EntityManager) => Promise<T>): Promise<T> {
  return em.transactional((tx) => fn(tx as EntityManager), { propagation: TransactionPropagation.REQUIRED });
}
