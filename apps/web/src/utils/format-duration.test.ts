import { describe, expect, it } from 'vitest';
import { formatDuration } from './format-duration';

describe('formatDuration', () => {
  const start = '2026-01-01T00:00:00.000Z';
  it.each([
    [null, 'running'],
    ['2026-01-01T00:00:00.850Z', '850 ms'],
    ['2026-01-01T00:00:12.300Z', '12.3 s'],
    ['2026-01-01T00:04:05.000Z', '4 min 05 s'],
  ])('%s → %s', (end, expected) => {
    expect(formatDuration(start, end)).toBe(expected);
  });
});
