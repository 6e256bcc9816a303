import { describe, expect, it } from 'vitest';
import { splitFirstLine } from './sync-body.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const text = (parts: readonly Uint8Array[] | null) =>
  parts === null ? null : Buffer.concat(parts).toString('utf8');

describe('splitFirstLine', () => {
  it('finds the header line across the parts a body arrived in, a character cut between two', () => {
    const body = bytes('{"title":"文档"}\nrow 1\nrow 2\n');
    // Cut inside 文 (three bytes) and again right after the newline.
    const cut = body.indexOf(0xe6) + 1;
    const newline = body.indexOf(0x0a) + 1;
    const parts = [body.subarray(0, cut), body.subarray(cut, newline), body.subarray(newline)];
    const { first, rest } = splitFirstLine(parts);
    expect(Buffer.from(first).toString('utf8')).toBe('{"title":"文档"}');
    expect(text(rest)).toBe('row 1\nrow 2\n');
    // The rows are views of the parts that arrived, not copies.
    expect(rest![0]!.buffer).toBe(parts[2]!.buffer);
  });

  it('keeps the rest of the part that holds the newline, and says when there is none', () => {
    const { first, rest } = splitFirstLine([bytes('{"a":1}\nx'), bytes('y\n')]);
    expect(Buffer.from(first).toString('utf8')).toBe('{"a":1}');
    expect(text(rest)).toBe('xy\n');
    expect(splitFirstLine([bytes('{"a":'), bytes('1}')])).toEqual({
      first: Buffer.from('{"a":1}'),
      rest: null,
    });
    expect(splitFirstLine([bytes('{}\n')]).rest).toEqual([]);
  });
});
