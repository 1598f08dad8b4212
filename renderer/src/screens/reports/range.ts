// Local days in the merchant's reports time zone (Settings → Reports), as 'YYYY-MM-DD' strings: the
// Reports screen's presets (this month, last month) and the labels of custom ranges.

export type RangePreset = 'this_month' | 'last_month' | 'custom';

export interface DayRange {
  from: string;
  to: string;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Today's date in `timeZone`, 'YYYY-MM-DD' (en-CA formats dates that way). */
export function todayIn(timeZone: string, now = Date.now()): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(now));
  } catch {
    return new Date(now).toISOString().slice(0, 10);
  }
}

const daysIn = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();

export function presetRange(preset: Exclude<RangePreset, 'custom'>, timeZone: string, now = Date.now()): DayRange {
  const today = todayIn(timeZone, now);
  const [y, m] = today.split('-').map(Number) as [number, number];
  if (preset === 'this_month') return { from: `${y}-${pad(m)}-01`, to: today };
  const py = m === 1 ? y - 1 : y;
  const pm = m === 1 ? 12 : m - 1;
  return { from: `${py}-${pad(pm)}-01`, to: `${py}-${pad(pm)}-${pad(daysIn(py, pm))}` };
}

export const isDay = (s: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(s);

/** "1 – 31 Mar 2026" style label for a local-day range (formatted as calendar dates, not instants). */
export function rangeLabel(r: DayRange, locale?: string): string {
  const f = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  const d = (s: string) => new Date(`${s}T12:00:00Z`);
  try {
    return f.formatRange(d(r.from), d(r.to));
  } catch {
    return `${r.from} – ${r.to}`;
  }
}

/** "3 Mar" for a chart axis */
export function dayLabel(day: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`));
}
