import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from '../errors/codes.js';
import type { AppEnv } from './context.js';

/**
 * 413 payload_too_large past maxBytes, decided as Hono's bodyLimit decides,
 * without asking for the body where the answer is already known: GET and HEAD
 * carry none, and a Content-Length (without Transfer-Encoding) is what the
 * HTTP parser holds the body to. Asking for it would make the Node adapter
 * build a fetch Request with a web stream for every request, and keep the
 * route's own read from taking the body straight off the socket. A chunked
 * body is counted by Hono's bodyLimit as it streams.
 */
export function requestBodyLimit(maxBytes: number): MiddlewareHandler<AppEnv> {
  const tooLarge = () => new ApiError('payload_too_large', `The request body exceeds ${maxBytes} bytes.`);
  const streamed = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw tooLarge();
    },
  });
  return (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (Number.parseInt(length, 10) > maxBytes) throw tooLarge();
      return next();
    }
    return streamed(c, next);
  };
}
