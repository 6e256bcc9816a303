// The one spelling of a time: whatever RFC 3339 form a peer or a client sends, the same
// instant reads back as `Date#toISOString()`, and a value that is no time is an issue with
// its message, never an exception.
import { describe, expect, it } from 'vitest';
import { timestampSchema } from './common.js';

describe('timestampSchema', () => {
  it('spells every RFC 3339 form of an instant as toISOString does', () => {
    expect(timestampSchema.parse('2024-01-01T00:00:00+02:00')).toBe('2023-12-31T22:00:00.000Z');
    expect(timestampSchema.parse('2024-01-01T00:00:00Z')).toBe('2024-01-01T00:00:00.000Z');
    expect(timestampSchema.parse('2024-01-01T00:00:00.123456Z')).toBe('2024-01-01T00:00:00.123Z');
    expect(timestampSchema.parse('2024-02-29T23:59:59.999Z')).toBe('2024-02-29T23:59:59.999Z');
    for (let i = 0; i < 50; i++) {
      const time = new Date(Date.UTC(1990 + i, i % 12, 1 + (i % 28), i % 24, i, i, i * 7)).toISOString();
      expect(timestampSchema.parse(time)).toBe(time);
    }
  });

  it('refuses what is not a date-time with its message', () => {
    for (const value of ['garbage', '2024-02-30T00:00:00.000Z', '2023-02-29T00:00:00.000Z', '', 12, null]) {
      const parsed = timestampSchema.safeParse(value);
      expect(parsed.success, String(value)).toBe(false);
      expect(parsed.error!.issues[0]!.message).toMatch(/RFC 3339|expected string/i);
    }
  });
});
