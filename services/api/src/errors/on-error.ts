import { DomainError } from '@backups/shared/backups';
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from '../http/context.js';
import { ApiError } from './codes.js';
import { isInfrastructureUnavailable, unavailable } from './infra-errors.js';

/** Renders the one error shape: {"error":{"code","message","request_id"[,"details"]}}. */
export function renderError(c: Context<AppEnv>, err: ApiError): Response {
  const requestId = c.get('requestId') ?? 'unknown';
  const body = {
    error: {
      code: err.code,
      message: err.message,
      request_id: requestId,
      ...(err.extra.details ? { details: err.extra.details } : {}),
    },
  };
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': requestId };
  if (err.extra.retryAfterSeconds !== undefined) headers['retry-after'] = String(err.extra.retryAfterSeconds);
  return new Response(JSON.stringify(body), { status: err.status, headers });
}

/** Maps whatever was thrown to an ApiError; anything unknown is a bug and is logged with its stack. */
export function toApiError(c: Context<AppEnv>, err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof DomainError) return new ApiError(err.code, err.message);
  if (isInfrastructureUnavailable(err)) {
    c.get('logger')?.warn({ err: { message: (err as Error).message } }, 'dependency unavailable');
    return unavailable();
  }
  if (err instanceof HTTPException) {
    // Hono's own rejections (e.g. body limit, unsupported media type) are the caller's mistake.
    if (err.status === 413) {
      return new ApiError('payload_too_large', 'The request body is too large.');
    }
    if (err.status >= 400 && err.status < 500) {
      return new ApiError('invalid_request', err.message || 'The request is not valid.');
    }
  }
  c.get('logger')?.error({ err }, 'unhandled error');
  return new ApiError('internal', 'An internal error occurred. It has been logged; retry later.');
}

export const onError: ErrorHandler<AppEnv> = (err, c) => renderError(c, toApiError(c, err));

export const notFound: NotFoundHandler<AppEnv> = (c) =>
  renderError(
    c,
    new ApiError('not_found', `No route for ${c.req.method} ${c.req.path}. See /docs for the API.`),
  );
