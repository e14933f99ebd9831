import { describe, expect, it } from 'vitest';
import { normalizeAddress } from './client-address.js';

describe('client address normalization', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['::FFFF:c000:0201', '192.0.2.1'],
    ['[::ffff:192.0.2.1]', '192.0.2.1'],
    ['::1', '::1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    // One /64 is one client: rotating the interface id does not give a fresh budget.
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:0:0:0:9', '2001:db8:1:2::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::192.0.2.1', '64:ff9b:0:0::/64'],
    ['not an address', 'invalid'],
    ['1.2.3.4.5', 'invalid'],
    ['unknown', 'unknown'],
  ])('%s -> %s', (raw, expected) => {
    expect(normalizeAddress(raw)).toBe(expected);
  });
});
