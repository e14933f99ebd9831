import { stringifyJson } from '@backups/shared';
import type { Context, TypedResponse } from 'hono';

/**
 * JSON written by stringifyJson, so bigint ids come out as exact numbers.
 * `Wire` is the documented wire shape (ids as JSON numbers): the route's typed
 * response is declared from it, because the value in memory holds bigint.
 */
export function jsonResponse<Wire>(c: Context, value: unknown): TypedResponse<Wire, 200, 'json'> {
  return jsonTextResponse<Wire>(c, stringifyJson(value));
}

/** The same, for JSON already written (a cached render). */
export function jsonTextResponse<Wire>(c: Context, json: string): TypedResponse<Wire, 200, 'json'> {
  const response = c.body(json, 200, { 'content-type': 'application/json' });
  return response as unknown as TypedResponse<Wire, 200, 'json'>;
}
