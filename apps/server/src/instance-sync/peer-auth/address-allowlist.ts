// Matches a caller's address against SYNC_ALLOW_TOKENLESS_FROM (exact IPs, IPv4 CIDRs).
import { isIPv4 } from 'node:net';

export function normaliseAddress(address: string): string {
  // Node reports IPv4 callers on a dual-stack socket as ::ffff:a.b.c.d.
  return address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
}

function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((value, part) => value * 256 + Number(part), 0);
}

export function addressAllowed(address: string | undefined, allowlist: readonly string[]): boolean {
  if (!address) return false;
  const caller = normaliseAddress(address);
  return allowlist.some((entry) => {
    const [base, bits] = entry.split('/');
    if (!base) return false;
    if (bits === undefined) return normaliseAddress(base) === caller;
    if (!isIPv4(base) || !isIPv4(caller)) return false;
    const prefix = Number(bits);
    if (!(prefix >= 0 && prefix <= 32)) return false;
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    return (ipv4ToNumber(base) & mask) >>> 0 === (ipv4ToNumber(caller) & mask) >>> 0;
  });
}
