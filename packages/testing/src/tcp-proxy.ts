import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP forwarder the test can cut and restore, to take Postgres or Redis
 * "down" for one app without touching the machine's shared servers.
 */
export interface TcpProxy {
  readonly port: number;
  /** Drops every open connection and refuses new ones. */
  cut(): Promise<void>;
  /** Keeps connections open but stops moving bytes: a hung path, not a refused one. */
  stall(): void;
  /** Moves bytes again after stall(). */
  unstall(): void;
  /** Accepts connections again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let stalled = false;
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    client.pipe(upstream).pipe(client);
    // After pipe(), which resumes its source: a connection opened during a stall must hang too.
    if (stalled) {
      client.pause();
      upstream.pause();
    }
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      sockets.clear();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });
  const port = await listen(0);
  const setStalled = (value: boolean) => {
    stalled = value;
    for (const s of sockets) {
      if (value) s.pause();
      else s.resume();
    }
  };
  return {
    port,
    cut: stop,
    stall: () => setStalled(true),
    unstall: () => setStalled(false),
    restore: async () => void (await listen(port)),
    close: stop,
  };
}
