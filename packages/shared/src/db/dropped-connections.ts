import type pg from 'pg';

/**
 * Gives the pool back a checked-out connection that the server or the network
 * ended (Postgres restarted, pg_terminate_backend, a cut link).
 *
 * Kysely (under MikroORM) releases a transaction's connection only after its
 * COMMIT or ROLLBACK succeeds; on a dead connection both fail, so the client
 * stays checked out for good. Each such drop took one slot of the pool: enough
 * of them and every query waits for a connection that never comes back, and
 * closing the pool (shutdown) waits forever too.
 *
 * A client whose connection ended is useless to its holder, so it is released
 * here with an error (pg-pool then discards it), and its holder's own release,
 * if one still comes, does nothing instead of throwing "Release called on
 * client which has already been released".
 */
export function releaseEndedConnections(pool: pg.Pool): void {
  const checkedOut = new WeakSet<pg.PoolClient>();
  pool.on('acquire', (client) => checkedOut.add(client));
  pool.on('release', (_err, client) => checkedOut.delete(client as pg.PoolClient));
  pool.on('connect', (client) => {
    client.on('end', () => {
      if (!checkedOut.has(client)) return;
      const release = client.release;
      client.release = () => undefined;
      release(new Error('connection ended while checked out'));
    });
  });
}
