// Who may push without a token: every row is one caller address against one configured list.
import { describe, expect, it } from 'vitest';
import { addressAllowed, normaliseAddress } from './address-allowlist.js';

describe('addressAllowed', () => {
  const cases: Array<[caller: string | undefined, allowlist: string[], allowed: boolean]> = [
    // exact IPv4
    ['10.0.0.5', ['10.0.0.5'], true],
    ['10.0.0.6', ['10.0.0.5'], false],
    // IPv4 ranges, including the edges of a prefix
    ['10.1.2.3', ['10.0.0.0/8'], true],
    ['11.0.0.1', ['10.0.0.0/8'], false],
    ['192.168.1.255', ['192.168.1.0/24'], true],
    ['192.168.2.0', ['192.168.1.0/24'], false],
    ['203.0.113.9', ['0.0.0.0/0'], true],
    ['10.0.0.5', ['10.0.0.5/32'], true],
    // a dual-stack socket reports IPv4 callers as IPv4-mapped IPv6
    ['::ffff:127.0.0.1', ['127.0.0.1'], true],
    ['::ffff:127.0.0.1', ['127.0.0.0/8'], true],
    ['::ffff:10.0.0.1', ['127.0.0.0/8'], false],
    ['127.0.0.1', ['::ffff:127.0.0.1'], true],
    // exact IPv6, in any spelling
    ['::1', ['::1'], true],
    ['0:0:0:0:0:0:0:1', ['::1'], true],
    ['::2', ['::1'], false],
    // IPv6 ranges: the case a hand-written IPv4 matcher never matched
    ['fd12:3456::1', ['fd00::/8'], true],
    ['fe80::1', ['fd00::/8'], false],
    ['2001:db8:1::42', ['2001:db8::/32'], true],
    ['2001:db9::1', ['2001:db8::/32'], false],
    // an IPv4 range never admits an IPv6 caller; `::/0` holds the IPv4-mapped block, so it
    // admits IPv4 callers too (BlockList's rule, and what "every IPv6 address" implies)
    ['::1', ['0.0.0.0/0'], false],
    ['127.0.0.1', ['::/0'], true],
    ['127.0.0.1', ['fd00::/8'], false],
    // the first matching entry of several is enough
    ['fd00::7', ['10.0.0.0/8', '::1', 'fd00::/8'], true],
    // malformed entries match nobody, and do not stop the entries after them
    ['10.0.0.1', ['10.0.0.0/33', 'not-an-address', '10.0.0.0/x', '10.0.0.0/8/1'], false],
    ['10.0.0.1', ['not-an-address', '10.0.0.0/8'], true],
    ['::1', ['::/129'], false],
    // no address (e.g. no socket), an unparseable one, or an empty list
    [undefined, ['0.0.0.0/0'], false],
    ['', ['0.0.0.0/0'], false],
    ['not-an-address', ['not-an-address'], false],
    ['10.0.0.1', [], false],
  ];

  it.each(cases)('%s against %j → %s', (caller, allowlist, allowed) => {
    expect(addressAllowed(caller, allowlist)).toBe(allowed);
  });

  it('answers the same for the same list asked twice (the parsed list is reused)', () => {
    const allowlist = ['fd00::/8'];
    expect(addressAllowed('fd00::1', allowlist)).toBe(true);
    expect(addressAllowed('fd00::1', allowlist)).toBe(true);
    expect(addressAllowed('fe00::1', allowlist)).toBe(false);
  });
});

describe('normaliseAddress', () => {
  it.each([
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['192.0.2.1', '192.0.2.1'],
    ['::1', '::1'],
    ['::ffff:zz', '::ffff:zz'],
  ])('%s → %s', (address, normalised) => {
    expect(normaliseAddress(address)).toBe(normalised);
  });
});
