import { Ec2Error } from '../protocol/errors.js';
import type { Filter } from '../protocol/query-protocol.js';

/**
 * EC2 filter semantics: filters are ANDed, the values of one filter are ORed, values may use
 * `*` and `?` wildcards, and `tag:Key` / `tag-key` / `tag-value` work on every taggable
 * resource. A resource exposes, per filter name, the values it can be matched on.
 */
export type FilterValues = Record<string, () => readonly (string | undefined)[]>;

export function wildcardMatches(pattern: string, value: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === value;
  const regex = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${regex}$`, 's').test(value);
}

export function tagFilterValues(tags: ReadonlyMap<string, string>): FilterValues {
  return {
    'tag-key': () => [...tags.keys()],
    'tag-value': () => [...tags.values()],
  };
}

function valuesFor(
  name: string,
  values: FilterValues,
  tags: ReadonlyMap<string, string>,
): readonly (string | undefined)[] {
  if (name.startsWith('tag:')) {
    const key = name.slice('tag:'.length);
    return tags.has(key) ? [tags.get(key)] : [];
  }
  const getter = values[name];
  if (!getter) throw new Ec2Error('InvalidParameterValue', `The filter '${name}' is invalid`);
  return getter();
}

/** Rejects unknown filter names up front, as EC2 does, even when nothing would match. */
export function assertKnownFilters(filters: readonly Filter[], known: readonly string[]): void {
  const names = new Set([...known, 'tag-key', 'tag-value']);
  for (const filter of filters) {
    if (!filter.name.startsWith('tag:') && !names.has(filter.name)) {
      throw new Ec2Error('InvalidParameterValue', `The filter '${filter.name}' is invalid`);
    }
  }
}

export function matchesFilters(
  filters: readonly Filter[],
  values: FilterValues,
  tags: ReadonlyMap<string, string>,
): boolean {
  const all = { ...tagFilterValues(tags), ...values };
  return filters.every((filter) => {
    const candidates = valuesFor(filter.name, all, tags).filter((v): v is string => v !== undefined);
    return filter.values.some((pattern) =>
      candidates.some((candidate) => wildcardMatches(pattern, candidate)),
    );
  });
}
