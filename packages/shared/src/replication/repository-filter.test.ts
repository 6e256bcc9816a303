import { describe, expect, it } from 'vitest';
import {
  changesQuerySchema,
  formatRepositoryFilter,
  REPOSITORY_FILTER_MAX,
  repositoryFilterSchema,
  streamQuerySchema,
} from '../index.js';

describe('repository filter', () => {
  it('reads comma-separated ids into distinct sorted numbers', () => {
    expect(repositoryFilterSchema.parse('7,3, 7')).toEqual([3, 7]);
    expect(changesQuerySchema.parse({ collection: 'tasks', repositories: '12' }).repositories).toEqual([12]);
    expect(changesQuerySchema.parse({ collection: 'tasks' }).repositories).toBeUndefined();
    expect(streamQuerySchema.parse({}).repositories).toBeUndefined();
  });

  it('refuses empties, non-ids and too many ids with one message saying what to send', () => {
    const tooMany = Array.from({ length: REPOSITORY_FILTER_MAX + 1 }, (_, i) => i + 1).join(',');
    for (const bad of ['', ',', '1,,2', '0', '-1', 'a', '1.5', '99999999999999999', tooMany]) {
      const result = repositoryFilterSchema.safeParse(bad);
      expect(result.success, bad).toBe(false);
      expect(result.error?.issues[0]?.message).toMatch(/comma-separated repository ids/);
    }
    expect(streamQuerySchema.safeParse({ other: '1' }).success).toBe(false);
  });

  it('writes a filter the schema reads back', () => {
    expect(formatRepositoryFilter([9, 2, 9])).toBe('2,9');
    expect(repositoryFilterSchema.parse(formatRepositoryFilter([9, 2]))).toEqual([2, 9]);
  });
});
