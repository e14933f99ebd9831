import { isInteger, isSafeNumber, parse, stringify } from 'lossless-json';

// Our ids are int64. JSON.parse/stringify go through float64 and would turn
// 611298765432109056 into 611298765432109100, so request and response bodies go
// through lossless-json instead: unsafe integers become bigint on the way in,
// and bigint is written as plain digits on the way out.

function parseNumber(text: string): number | bigint {
  return isInteger(text) && !isSafeNumber(text) ? BigInt(text) : Number(text);
}

/** Parses JSON, keeping integers beyond 2^53 exact as bigint. Throws SyntaxError on bad input. */
export function parseJson(text: string): unknown {
  return parse(text, null, parseNumber);
}

/** Serialises to JSON, writing bigint values as exact numbers. */
export function stringifyJson(value: unknown): string {
  const out = stringify(value);
  if (out === undefined) throw new TypeError('value is not serialisable as JSON');
  return out;
}
