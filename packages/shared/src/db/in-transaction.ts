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

/**
 * A condition a caller adds to one write statement of an owner (the worker: its
 * fence). It is checked inside that statement, so a write that needs nothing
 * else in its transaction needs no transaction: one round trip instead of
 * BEGIN, check, write, COMMIT. Owners put it in their where clause as it is.
 */
export interface WriteGuard {
  sql: string;
  params: readonly unknown[];
}

/** No condition: the write holds on its own. */
export const NO_GUARD: WriteGuard = { sql: 'true', params: [] };
