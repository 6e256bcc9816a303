// How the first sync's figures read on screen: bytes in the largest fitting unit, and the
// time left rounded the way a person estimates it (no seconds: the rate moves).
import { formatNumber, t } from '../i18n';

const UNITS = ['B', 'KB', 'MB', 'GB'] as const;

/** "1.4 GB", "820 KB", "12 B" (powers of 1,024, as browsers report quotas). */
export function formatBytes(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = unit === 0 || value >= 100 ? Math.round(value) : Math.round(value * 10) / 10;
  return `${formatNumber(shown)} ${t(`offlineCopy.units.${UNITS[unit]}`)}`;
}

/** "less than a minute", "3 minutes", "1 h 05 min"; null when there is no rate yet. */
export function formatTimeLeft(ms: number | null): string | null {
  if (ms === null || !Number.isFinite(ms)) return null;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return t('offlineCopy.lessThanMinute');
  if (minutes < 60) return t('offlineCopy.minutes', { n: minutes }, minutes);
  return t('offlineCopy.hours', {
    hours: formatNumber(Math.floor(minutes / 60)),
    minutes: String(minutes % 60).padStart(2, '0'),
  });
}
