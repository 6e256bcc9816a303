import { formatNumber, t } from '../i18n';

/** "850 ms", "12.3 s", "4 min 05 s" between two RFC 3339 times; "running" without an end. */
export function formatDuration(startedAt: string, finishedAt: string | null): string {
  if (!finishedAt) return t('duration.running');
  const ms = Math.max(0, new Date(finishedAt).getTime() - new Date(startedAt).getTime());
  if (ms < 1000) return t('duration.milliseconds', { n: ms });
  if (ms < 60_000) return t('duration.seconds', { n: (ms / 1000).toFixed(1) });
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return t('duration.minutes', { minutes: formatNumber(minutes), seconds: String(seconds).padStart(2, '0') });
}
