import { parseJson } from '@backups/shared';
import type { Context } from 'hono';
import type { z } from 'zod';
import { fieldIssues, invalidRequest } from './validation.js';

const JSON_CONTENT_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/**
 * Reads a JSON body from its raw text with lossless-json, so an int64 such as
 * node_id 611298765432109056 arrives exact (nothing JSON.parses it first), then
 * validates it. Every failure is a 400 naming what is wrong. An empty body is
 * read as {} when the route allows it.
 */
export async function readJsonBody<S extends z.ZodType>(
  c: Context,
  schema: S,
  opts: { allowEmpty: boolean },
): Promise<z.output<S>> {
  const text = await c.req.text();
  let value: unknown = {};
  if (text.trim() !== '' || !opts.allowEmpty) {
    const contentType = c.req.header('content-type');
    if (!contentType || !JSON_CONTENT_TYPE.test(contentType.trim())) {
      throw invalidRequest('The request body must be JSON, sent with Content-Type: application/json.', [
        { field: 'content-type', message: 'must be application/json' },
      ]);
    }
    try {
      value = parseJson(text);
    } catch (err) {
      const reason = err instanceof Error ? err.message.slice(0, 200) : 'unparseable';
      throw invalidRequest('The request body is not valid JSON.', [{ field: 'body', message: reason }]);
    }
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    throw invalidRequest('The request body is not valid; see details.', fieldIssues(result.error));
  }
  return result.data;
}
