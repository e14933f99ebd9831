// Types for the browser module beside it, so unit tests can import it.
export function parseLosslessJson(text: string): unknown;
export function idText(value: unknown): string;
export class ExactInteger {
  constructor(text: string | number);
  readonly text: string;
}
export function stringifyLosslessJson(value: unknown): string;
