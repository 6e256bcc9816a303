// "just now", "2 min ago", "3 h ago" (刚刚, 2 分钟前…): how long ago the last sync was, for the indicator.
import { t } from '../i18n';

export function relativeTime(then: number | null, now: number = Date.now()): string {
  if (then === null) return t('time.never');
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 10) return t('time.justNow');
  if (seconds < 60) return t('time.secondsAgo', { n: seconds });
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return t('time.minutesAgo', { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return t('time.hoursAgo', { n: hours });
  return t('time.daysAgo', { n: Math.floor(hours / 24) });
}
