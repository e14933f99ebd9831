// Types for the browser module beside it, so unit tests can import it.
export function parseLosslessJson(text: string): unknown;
export function idText(value: unknown): string;
export function stringifyWithIds(object: Record<string, unknown>, idKeys: string[]): string;
