// Which language the UI speaks: the person's own choice if they made one in the header,
// else the browser's. Pure, so the rule is tested without a browser (locale.test.ts).

export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

/** Where the header's language switch keeps the choice, per browser. */
export const LOCALE_STORAGE_KEY = 'wikisync.locale';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** Any Chinese variant (zh, zh-CN, zh-TW, zh-Hans…) reads the Simplified Chinese UI; the rest English. */
export function detectLocale(stored: string | null, languages: readonly string[]): Locale {
  if (isLocale(stored)) return stored;
  return languages.some((language) => language.toLowerCase().startsWith('zh')) ? 'zh-CN' : 'en';
}
