import { describe, expect, it } from 'vitest';
import { detectLocale } from './locale';

describe('detectLocale', () => {
  it.each([
    [['zh-CN', 'en'], 'zh-CN'],
    [['en-US', 'zh-TW'], 'zh-CN'],
    [['zh'], 'zh-CN'],
    [['en-US'], 'en'],
    [['fr-FR', 'de'], 'en'],
    [[], 'en'],
  ] as const)('reads %j as %s', (languages, expected) => {
    expect(detectLocale(null, languages)).toBe(expected);
  });

  it("prefers the person's own choice over the browser's languages", () => {
    expect(detectLocale('en', ['zh-CN'])).toBe('en');
    expect(detectLocale('zh-CN', ['en-US'])).toBe('zh-CN');
  });

  it('ignores a stored value that is not a supported language', () => {
    expect(detectLocale('klingon', ['zh-HK'])).toBe('zh-CN');
  });
});
