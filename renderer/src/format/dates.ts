// Dates as the merchant reads them: local time zone, their locale. Timestamps on the wire are epoch milliseconds.
import { merchantLocale } from './money';

const dateTime = (locale: string) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = (locale: string) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });

/** "12 Mar 2026, 14:05" in the merchant's locale and time zone */
export function formatDateTime(ms: number, locale = merchantLocale()): string {
  return dateTime(locale).format(new Date(ms));
}

export function formatDate(ms: number, locale = merchantLocale()): string {
  return dateOnly(locale).format(new Date(ms));
}

/** ISO for <time dateTime>, so assistive tech and tests read an exact instant */
export const isoString = (ms: number): string => new Date(ms).toISOString();

/** "just now", "5 min ago", "3 h ago", "yesterday", else the date */
export function formatRelative(ms: number, now = Date.now(), locale = merchantLocale()): string {
  const diff = now - ms;
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
  if (diff < 0) return formatDateTime(ms, locale);
  if (diff < 45_000) return 'just now';
  if (diff < 3_600_000) return rtf.format(-Math.round(diff / 60_000), 'minute');
  if (diff < 86_400_000) return rtf.format(-Math.round(diff / 3_600_000), 'hour');
  if (diff < 2 * 86_400_000) return rtf.format(-1, 'day');
  return formatDate(ms, locale);
}
