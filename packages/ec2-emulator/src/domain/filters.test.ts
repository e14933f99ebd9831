import { describe, expect, it } from 'vitest';
import { assertKnownFilters, matchesFilters, wildcardMatches } from './filters.js';

const tags = new Map([
  ['tenant', 'acme'],
  ['backup-id', 'b-1'],
]);
const values = { status: () => ['completed'], 'volume-id': () => ['vol-1'] };

describe('wildcardMatches', () => {
  it('supports * and ? and escapes regex characters', () => {
    expect(wildcardMatches('ac*', 'acme')).toBe(true);
    expect(wildcardMatches('a?me', 'acme')).toBe(true);
    expect(wildcardMatches('a.me', 'acme')).toBe(false);
    expect(wildcardMatches('acme', 'acme2')).toBe(false);
  });
});

describe('matchesFilters', () => {
  it('ANDs filters and ORs values', () => {
    expect(matchesFilters([{ name: 'status', values: ['pending', 'completed'] }], values, tags)).toBe(true);
    expect(
      matchesFilters(
        [
          { name: 'status', values: ['completed'] },
          { name: 'volume-id', values: ['vol-2'] },
        ],
        values,
        tags,
      ),
    ).toBe(false);
  });

  it('matches tag:K, tag-key and tag-value', () => {
    expect(matchesFilters([{ name: 'tag:tenant', values: ['acme'] }], values, tags)).toBe(true);
    expect(matchesFilters([{ name: 'tag:tenant', values: ['other'] }], values, tags)).toBe(false);
    expect(matchesFilters([{ name: 'tag:missing', values: ['*'] }], values, tags)).toBe(false);
    expect(matchesFilters([{ name: 'tag-key', values: ['backup-id'] }], values, tags)).toBe(true);
    expect(matchesFilters([{ name: 'tag-value', values: ['b-*'] }], values, tags)).toBe(true);
  });

  it('rejects unknown filter names', () => {
    expect(() => assertKnownFilters([{ name: 'bogus', values: ['x'] }], ['status'])).toThrow(/bogus/);
    expect(() => assertKnownFilters([{ name: 'tag:any', values: ['x'] }], ['status'])).not.toThrow();
  });
});
