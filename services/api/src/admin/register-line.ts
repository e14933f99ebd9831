import { parseJson } from '@backups/shared';
import type { z } from 'zod';
import { type RegisterOptions, registerOptions } from './register-options.js';

// One line of `deployment:register --jsonl`: a JSON object with the flags' names
// as fields, e.g. {"tenant": 1, "name": "orders", "region": "us-west-1",
// "instances": ["i-0abc...", "i-0def..."], "version": "0.5.1"}.

export type ParsedLine = { ok: true; options: RegisterOptions } | { ok: false; error: string };

/** Lines may name every field a flag does, and nothing else (a typo must not pass as a default). */
const lineOptions = registerOptions.strict();

export function parseRegisterLine(text: string): ParsedLine {
  let value: unknown;
  try {
    // lossless: an int64 id such as 611298765432109056 stays exact (JSON.parse would round it).
    value = parseJson(text);
  } catch (err) {
    return { ok: false, error: `not valid JSON: ${(err as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'expected a JSON object with the fields of deployment:register' };
  }
  const fields = value as Record<string, unknown>;
  const result = lineOptions.safeParse(
    Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, asFlagValue(v)])),
  );
  if (result.success) return { ok: true, options: result.data };
  return { ok: false, error: result.error.issues.map((i) => describe(i, fields)).join('; ') };
}

/** Numbers as their digits and lists as a,b: what the flag would have said. */
function asFlagValue(v: unknown): unknown {
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join(',');
  return v;
}

function describe(issue: z.core.$ZodIssue, fields: Record<string, unknown>): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  const field = issue.path.map(String).join('.');
  if (issue.path.length === 1 && !(field in fields)) return `${field}: missing`;
  return `${field}: ${issue.message}`;
}
