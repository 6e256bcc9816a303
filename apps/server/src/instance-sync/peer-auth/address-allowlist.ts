// Matches a caller's address against SYNC_ALLOW_TOKENLESS_FROM: exact addresses and CIDR
// ranges, IPv4 and IPv6 alike. The matching is Node's `net.BlockList`, which compares parsed
// addresses rather than strings, so `::1` and `0:0:0:0:0:0:0:1` are the same caller and an
// IPv6 range such as `fd00::/8` matches (a hand-written matcher here once only knew IPv4).
// An entry that is not an address or a range matches nobody: the list only ever widens who may
// push without a token, so a typo must never widen it further.
import { BlockList, isIP, isIPv4 } from 'node:net';

export function normaliseAddress(address: string): string {
  // Node reports IPv4 callers on a dual-stack socket as ::ffff:a.b.c.d.
  return address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
}

function family(address: string): 'ipv4' | 'ipv6' | null {
  const version = isIP(address);
  return version === 4 ? 'ipv4' : version === 6 ? 'ipv6' : null;
}

/** Adds one entry ("a.b.c.d", "a.b.c.d/n", "::1", "fd00::/8"); false when it is neither. */
function addEntry(list: BlockList, entry: string): boolean {
  const [base, bits, ...rest] = entry.trim().split('/');
  if (!base || rest.length > 0) return false;
  const address = normaliseAddress(base);
  const type = family(address);
  if (!type) return false;
  if (bits === undefined) {
    list.addAddress(address, type);
    return true;
  }
  const prefix = Number(bits);
  if (!/^\d{1,3}$/.test(bits) || prefix > (type === 'ipv4' ? 32 : 128)) return false;
  list.addSubnet(address, prefix, type);
  return true;
}

// Parsed once per configured list: the list is fixed for the life of the app.
const parsed = new WeakMap<readonly string[], BlockList>();

function blockListOf(allowlist: readonly string[]): BlockList {
  let list = parsed.get(allowlist);
  if (!list) {
    list = new BlockList();
    for (const entry of allowlist) addEntry(list, entry);
    parsed.set(allowlist, list);
  }
  return list;
}

export function addressAllowed(address: string | undefined, allowlist: readonly string[]): boolean {
  if (!address) return false;
  const caller = normaliseAddress(address);
  const type = family(caller);
  if (!type) return false;
  return blockListOf(allowlist).check(caller, type);
}
