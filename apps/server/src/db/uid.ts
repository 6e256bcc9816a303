import { randomBytes } from 'node:crypto';

/**
 * A UUIDv7: 48 bits of Unix milliseconds, then random bits. Time-ordered, so new rows land
 * at the end of the uid index, and unique without coordination, so browsers create rows
 * offline with the same scheme.
 */
export function randomUid(now = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
