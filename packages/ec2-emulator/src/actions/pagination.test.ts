import { describe, expect, it } from 'vitest';
import { paginate } from './pagination.js';

const items = Array.from({ length: 12 }, (_, i) => i);

describe('paginate', () => {
  it('returns everything without MaxResults', () => {
    expect(paginate(items, undefined, undefined, [5, 1000])).toEqual({ page: items, nextToken: undefined });
  });

  it('walks pages with NextToken until none is left', () => {
    const first = paginate(items, 5, undefined, [5, 1000]);
    const second = paginate(items, 5, first.nextToken, [5, 1000]);
    const third = paginate(items, 5, second.nextToken, [5, 1000]);
    expect([...first.page, ...second.page, ...third.page]).toEqual(items);
    expect(third.nextToken).toBeUndefined();
  });

  it('checks MaxResults against the range and rejects a garbled token', () => {
    expect(() => paginate(items, 2, undefined, [5, 1000])).toThrow(/between 5 and 1000/);
    expect(() => paginate(items, 5, '!!!', [5, 1000])).toThrow(/pagination token/);
  });
});
