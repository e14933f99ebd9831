// int64 ids (e.g. 611298765432109056) do not fit in a JS number. JSON.parse's
// reviver `context.source` is not in every browser we support, so integers
// beyond 2^53 are quoted in the raw text before parsing: ids then arrive as
// exact decimal strings. Strings are matched as whole tokens first, so digits
// inside a string value are never touched.
const TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
const INTEGER = /^-?\d+$/;

/** Parses JSON text, turning integers that are not safe JS numbers into strings. */
export function parseLosslessJson(text) {
  const quoted = text.replace(TOKEN, (token) => {
    if (token.startsWith('"') || !INTEGER.test(token)) return token;
    return Number.isSafeInteger(Number(token)) ? token : `"${token}"`;
  });
  return JSON.parse(quoted);
}

/** An id from parsed JSON (a safe number or a quoted big one) as its exact decimal text. */
export function idText(value) {
  if (typeof value === 'string' && /^\d+$/.test(value)) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  throw new Error(`not an id: ${String(value)}`);
}

/** An int64 to be written into JSON as an exact number (see stringifyLosslessJson). */
export class ExactInteger {
  constructor(text) {
    this.text = idText(text);
  }
}

/**
 * JSON.stringify, except that ExactInteger values are written as bare digits,
 * so an id beyond 2^53 reaches the API exactly. Each marker carries a nonce of
 * this call, so no string a user typed can pass for one.
 */
export function stringifyLosslessJson(value) {
  const nonce = Math.random().toString(36).slice(2);
  const text = JSON.stringify(value, (_key, v) => (v instanceof ExactInteger ? `${nonce}:${v.text}` : v));
  return text.replace(new RegExp(`"${nonce}:(\\d+)"`, 'g'), '$1');
}
