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

/**
 * JSON text for a flat object whose `idKeys` hold id strings: those are written
 * as bare integers, exact past 2^53 (JSON.stringify can only quote or round them).
 */
export function stringifyWithIds(object, idKeys) {
  const members = Object.entries(object)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => {
      const json = idKeys.includes(key) && value !== null ? idText(value) : JSON.stringify(value);
      return `${JSON.stringify(key)}:${json}`;
    });
  return `{${members.join(',')}}`;
}
