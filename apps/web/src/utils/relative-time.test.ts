import { describe, expect, it } from 'vitest';
import { relativeTime } from './relative-time';

describe('relativeTime', () => {
  const now = 1_700_000_000_000;
  it.each([
    [null, 'never'],
    [now - 3_000, 'just now'],
    [now - 42_000, '42 s ago'],
    [now - 120_000, '2 min ago'],
    [now - 3 * 3_600_000, '3 h ago'],
    [now - 2 * 86_400_000, '2 d ago'],
  ])('%s → %s', (then, expected) => {
    expect(relativeTime(then, now)).toBe(expected);
  });
});
