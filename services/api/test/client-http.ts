import { once } from 'node:events';
import { type IncomingMessage, request } from 'node:http';

// Requests from a chosen source address: Linux routes all of 127/8 to lo, so
// binding the client's end to 127.0.0.N gives the server a different TCP peer.

export interface PeerResponse {
  status: number;
  headers: IncomingMessage['headers'];
  text: string;
}

/** One HTTP request whose TCP source address is `from` (e.g. 127.0.0.2). */
export async function requestFrom(
  from: string,
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<PeerResponse> {
  const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers, localAddress: from });
  req.end(opts.body);
  const [res] = (await once(req, 'response')) as [IncomingMessage];
  let text = '';
  for await (const chunk of res) text += chunk.toString();
  return { status: res.statusCode ?? 0, headers: res.headers, text };
}
