import { describe, expect, it } from 'vitest';
import {
  METADATA_MAX_BYTES,
  METADATA_MAX_DEPTH,
  metadataLimitProblem,
  metadataSchema,
  stripOverLimitMetadata,
} from './metadata-limits.js';
import { numericIdSchema } from '../common.js';

/** `{a: {a: … {}}}` with `levels` objects, the outer one included. */
function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let level = 1; level < levels; level++) value = { a: value };
  return value;
}

describe('metadata limits', () => {
  it('accepts metadata up to the depth limit and refuses one level more', () => {
    expect(metadataLimitProblem(nested(METADATA_MAX_DEPTH))).toBeNull();
    expect(metadataLimitProblem(nested(METADATA_MAX_DEPTH + 1))).toMatch(/more than 32 levels/);
    // Arrays count as levels too.
    expect(metadataLimitProblem({ list: [[[]]] })).toBeNull();
  });

  it('checks a value nested 100,000 levels deep without overflowing the stack', () => {
    expect(metadataLimitProblem(nested(100_000))).toMatch(/more than 32 levels/);
    const result = metadataSchema.safeParse(nested(100_000));
    expect(result.error?.issues[0]?.message).toMatch(/more than 32 levels/);
  });

  it('measures the size in UTF-8 bytes of the JSON', () => {
    // `{"x":"…"}` is 8 bytes around the string; "é" is two bytes in UTF-8.
    const fits = (METADATA_MAX_BYTES - 8) / 2;
    expect(metadataLimitProblem({ x: 'é'.repeat(fits) })).toBeNull();
    expect(metadataLimitProblem({ x: 'é'.repeat(fits + 1) })).toMatch(/larger than 65536 bytes/);
    expect(metadataLimitProblem({ x: '😀'.repeat(METADATA_MAX_BYTES / 4) })).toMatch(/larger than/);
  });

  it('strips over-limit metadata to {} and says why', () => {
    expect(stripOverLimitMetadata({ ok: 1 })).toEqual({ metadata: { ok: 1 }, problem: null });
    expect(stripOverLimitMetadata(nested(5_000))).toEqual({
      metadata: {},
      problem: expect.stringMatching(/more than 32 levels/),
    });
    expect(stripOverLimitMetadata(null)).toEqual({ metadata: {}, problem: null });
    expect(stripOverLimitMetadata([1])).toEqual({ metadata: {}, problem: 'is not a JSON object' });
  });
});

describe('numeric ids', () => {
  it('refuses ids that a JavaScript number would round', () => {
    expect(numericIdSchema.parse(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(numericIdSchema.safeParse('9007199254740993').success).toBe(false);
    expect(numericIdSchema.safeParse(2 ** 60).success).toBe(false);
  });
});
