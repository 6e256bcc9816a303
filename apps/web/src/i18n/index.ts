// The app's one vue-i18n instance (composition mode). Components call `useI18n()` or `$t`;
// stores, composables and utils that build on-screen text import `t` from here, so a string
// is translated wherever it is made. English is the source and the fallback.
import { createI18n } from 'vue-i18n';
import en from './messages/en';
import zhCN from './messages/zh-CN';
import { detectLocale, LOCALE_STORAGE_KEY, type Locale } from './locale';

function readStoredLocale(): string | null {
  try {
    return globalThis.localStorage?.getItem(LOCALE_STORAGE_KEY) ?? null;
  } catch {
    return null; // storage blocked (privacy mode): fall back to the browser's language
  }
}

function browserLanguages(): readonly string[] {
  return globalThis.navigator?.languages ?? [];
}

export const i18n = createI18n({
  legacy: false,
  locale: detectLocale(readStoredLocale(), browserLanguages()),
  fallbackLocale: 'en',
  messages: { en, 'zh-CN': zhCN },
  // Dates and numbers go through toLocaleString with `currentLocale()`; no formats to register.
});

export const t = i18n.global.t;

export function currentLocale(): Locale {
  return i18n.global.locale.value as Locale;
}

/** `<html lang>` tells screen readers and the browser's own UI which language the page is in. */
export function applyDocumentLanguage(): void {
  if (typeof document !== 'undefined') document.documentElement.lang = currentLocale();
}

/** The header's switch: changes every string at once and remembers the choice in this browser. */
export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  try {
    globalThis.localStorage?.setItem(LOCALE_STORAGE_KEY, locale);
  } catch {
    // storage blocked: the choice lasts until the page reloads
  }
  applyDocumentLanguage();
}

/** A date and time in the reader's language, e.g. "2026/12/1 14:05:00" or "12/1/2026, 2:05:00 PM". */
export function formatDateTime(value: string | number | Date): string {
  return new Date(value).toLocaleString(currentLocale());
}

export function formatTime(value: string | number | Date): string {
  return new Date(value).toLocaleTimeString(currentLocale());
}

export function formatNumber(value: number): string {
  return value.toLocaleString(currentLocale());
}

/** A status word from the data (task, repository, sync session), translated when it is known. */
export function statusLabel(value: string | null | undefined): string {
  if (!value) return t('status.unknown');
  const key = `status.${value}`;
  return i18n.global.te(key, 'en') ? t(key) : value;
}
