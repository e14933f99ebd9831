import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

export interface BenchServer {
  url: string;
  /**
   * Stops accepting, then waits for every handler that was started to return.
   * A closed server is not enough: autocannon drops its sockets when a run
   * ends, so the server closes while handlers of the dropped requests are
   * still in a transaction or about to enqueue, and Redis or Postgres closed
   * under them fail with "Connection is closed" after the figures are printed.
   */
  close(): Promise<void>;
}

/** Serves `fetch` on a free local port, counting the handlers still running. */
export function serveForBench(fetch: (req: Request) => Response | Promise<Response>): Promise<BenchServer> {
  let running = 0;
  let settled: (() => void) | undefined;
  const tracked = async (req: Request): Promise<Response> => {
    running += 1;
    try {
      return await fetch(req);
    } finally {
      running -= 1;
      if (running === 0) settled?.();
    }
  };
  return new Promise((resolve) => {
    const server = serve({ fetch: tracked, port: 0, hostname: '127.0.0.1' }, () => {
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        async close() {
          await new Promise<void>((done) => server.close(() => done()));
          if (running > 0) await new Promise<void>((done) => (settled = done));
        },
      });
    });
  });
}
