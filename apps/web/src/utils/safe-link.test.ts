import { describe, expect, it } from 'vitest';
import { safeLinkHref } from './safe-link';

describe('safeLinkHref', () => {
  it('links http and https addresses', () => {
    expect(safeLinkHref('https://example.com/team/repo')).toBe('https://example.com/team/repo');
    expect(safeLinkHref('http://git.local/repo')).toBe('http://git.local/repo');
  });

  it('never links script, data or other schemes, nor nothing', () => {
    for (const url of [
      'javascript:alert(1)',
      ' JAVASCRIPT:alert(1)',
      'data:text/html,x',
      'vbscript:x',
      '',
      null,
    ]) {
      expect(safeLinkHref(url)).toBeNull();
    }
  });
});
