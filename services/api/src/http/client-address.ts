import { isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/**
 * The address a request came from, for per-address limits. It is the TCP peer
 * unless `trustedHops` proxies stand in front of us; then X-Forwarded-For is
 * read from the right, skipping as many entries as proxies we trust (each
 * proxy appends the peer it saw), so entries a client wrote itself further
 * left are never taken. With no trusted hops the header is ignored entirely.
 */
export function clientAddress(c: Context, trustedHops: number): string {
  // No socket when the app is called in-process (app.request); one bucket then.
  const peer = normalizeAddress(socketAddress(c) ?? 'unknown');
  if (trustedHops === 0) return peer;
  const forwarded = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  // [peer, rightmost, ...]: hop N is the address the Nth trusted proxy saw.
  const chain = [peer, ...forwarded.reverse().map(normalizeAddress)];
  const chosen = chain[Math.min(trustedHops, chain.length - 1)] ?? peer;
  // A malformed entry can only come from a misconfigured proxy; count against the proxy then.
  return chosen === 'invalid' ? peer : chosen;
}

function socketAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

/**
 * One spelling per client: IPv4-mapped IPv6 (::ffff:192.0.2.1) is the IPv4
 * address, and IPv6 is keyed by its /64 (one subscriber's allocation), so a
 * client cannot step around the limit by rotating through its own prefix.
 */
export function normalizeAddress(raw: string): string {
  if (raw === 'unknown') return raw;
  const address = raw.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(address);
  if (family === 4) return address;
  if (family !== 6) return 'invalid';
  const pieces = expandIpv6(address);
  if (pieces.slice(0, 5).every((p) => p === 0) && pieces[5] === 0xffff) {
    const [hi = 0, lo = 0] = pieces.slice(6);
    return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');
  }
  if (pieces.slice(0, 7).every((p) => p === 0)) return pieces[7] === 1 ? '::1' : address.toLowerCase();
  return `${pieces
    .slice(0, 4)
    .map((p) => p.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit pieces of a valid IPv6 address (an embedded dotted IPv4 tail included). */
function expandIpv6(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((h) => Number.parseInt(h, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}
