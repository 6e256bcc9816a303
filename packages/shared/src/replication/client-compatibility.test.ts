import { describe, expect, it } from 'vitest';
import { protocolCompatible, protocolMajor } from './client-compatibility.js';

describe('protocol compatibility', () => {
  it('reads the MAJOR of MAJOR.MINOR and nothing else', () => {
    expect(protocolMajor('2.0')).toBe(2);
    expect(protocolMajor(' 13.4 ')).toBe(13);
    expect(protocolMajor('2')).toBeNull();
    expect(protocolMajor('v2.0')).toBeNull();
    expect(protocolMajor('')).toBeNull();
  });

  it.each([
    ['2.0', '2.0', true],
    ['2.0', '2.7', true],
    ['2.3', '2.0', true],
    ['2.0', '1.9', false],
    ['2.0', '3.0', false],
    ['2.0', 'garbage', false],
  ])('ours %s, theirs %s → %s', (ours, theirs, expected) => {
    expect(protocolCompatible(ours, theirs)).toBe(expected);
  });
});
