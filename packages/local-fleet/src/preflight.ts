import { connect } from 'node:net';

function reachable(url: string, defaultPort: number): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: u.hostname || '127.0.0.1', port: Number(u.port || defaultPort) });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Says exactly what to do when Postgres or Redis is missing, instead of a stack trace later. */
export async function preflight(databaseUrl: string, redisUrl: string): Promise<string[]> {
  const problems: string[] = [];
  if (!(await reachable(databaseUrl, 5432))) {
    problems.push(
      `Postgres is not reachable at ${new URL(databaseUrl).host}.\n` +
        '  Start it with `npm run dev` (installs and starts Postgres and Redis when run as root),\n' +
        '  or `pg_ctlcluster --skip-systemctl-redirect 15 main start`, or point DATABASE_URL at a running server.',
    );
  }
  if (!(await reachable(redisUrl, 6379))) {
    problems.push(
      `Redis is not reachable at ${new URL(redisUrl).host}.\n` +
        '  Start it with `npm run dev` (as root), or `redis-server --daemonize yes`, or point REDIS_URL at a running server.',
    );
  }
  return problems;
}
