import { TransactionPropagation } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Runs `fn` in the caller's transaction when there is one, else in a new one.
 * Every owner's multi-statement transition goes through here: MikroORM's
 * default would nest a savepoint (two more round trips) inside the worker's
 * fenced transaction. The options object is new on each call because MikroORM
 * records the transaction it ran in on the options it is given; a shared one
 * would carry a finished transaction into the next call.
 */
export function inTransaction<T>(em: EntityManager, fn: (tx: EntityManager) => Promise<T>): Promise<T> {
  return em.transactional((tx) => fn(tx as EntityManager), { propagation: TransactionPropagation.REQUIRED });
}
