// Time zones for the reports, with no date library: the offset of an IANA zone at an instant comes from
// Intl.DateTimeFormat (the ICU tz database that ships with Node and Electron).
//
// - localDateRangeToUtc: a merchant's local date range [from, to] (inclusive days) -> UTC [start, end) in ms.
//   A payment at 23:30 IST on 31 January belongs to January for an Asia/Kolkata merchant.
// - TimeFormatter: fast per-row formatting of UTC and local timestamps for a million-row export. The
//   offset is cached per 15-minute UTC bucket (verified at both ends of the bucket, so a DST change
//   inside a bucket falls back to an exact per-row lookup) and the date part per day.

const MS_MIN = 60_000;
const MS_DAY = 86_400_000;
const BUCKET = 15 * MS_MIN;

const dtfCache = new Map<string, Intl.DateTimeFormat>();
function dtf(timeZone: string): Intl.DateTimeFormat {
  let f = dtfCache.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    dtfCache.set(timeZone, f);
  }
  return f;
}

/** Throws a RangeError for a time zone Intl does not know. */
export function assertTimeZone(timeZone: string): void {
  try {
    dtf(timeZone);
  } catch {
    throw new RangeError(`Unknown time zone "${timeZone}"`);
  }
}

/** Offset of `timeZone` from UTC at instant `ms`, in ms (Asia/Kolkata: +19_800_000). */
export function zoneOffsetMs(timeZone: string, ms: number): number {
  const whole = Math.floor(ms / 1000) * 1000;
  let y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  for (const p of dtf(timeZone).formatToParts(whole)) {
    switch (p.type) {
      case 'year': y = Number(p.value); break;
      case 'month': mo = Number(p.value); break;
      case 'day': d = Number(p.value); break;
      case 'hour': h = Number(p.value); break;
      case 'minute': mi = Number(p.value); break;
      case 'second': s = Number(p.value); break;
      default: break;
    }
  }
  return Date.UTC(y, mo - 1, d, h, mi, s) - whole;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDate(date: string): [number, number, number] {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`Expected a date as YYYY-MM-DD, got "${date}"`);
  const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) throw new RangeError(`Not a calendar date: "${date}"`);
  return [y, mo, d];
}

/**
 * The UTC instant of local midnight at the start of `date` in `timeZone`. Where midnight does not exist
 * (a DST gap at 00:00), the first instant of that local day.
 */
export function zonedStartOfDay(date: string, timeZone: string): number {
  const [y, mo, d] = parseDate(date);
  const wall = Date.UTC(y, mo - 1, d);
  // candidate instants: midnight under each offset in force around that day
  const offsets = new Set([zoneOffsetMs(timeZone, wall - MS_DAY), zoneOffsetMs(timeZone, wall), zoneOffsetMs(timeZone, wall + MS_DAY)]);
  const candidates = [...offsets].map((o) => wall - o).sort((a, b) => a - b);
  for (const t of candidates) if (t + zoneOffsetMs(timeZone, t) === wall) return t; // earliest exact midnight
  // midnight falls in a DST gap: the day starts at the transition, the first instant whose local time is >= midnight
  let lo = candidates[0]!;
  let hi = candidates[candidates.length - 1]!;
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (mid + zoneOffsetMs(timeZone, mid) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

function nextDate(date: string): string {
  const [y, mo, d] = parseDate(date);
  return new Date(Date.UTC(y, mo - 1, d) + MS_DAY).toISOString().slice(0, 10);
}

/** Local inclusive day range -> UTC half-open [startMs, endMs). */
export function localDateRangeToUtc(from: string, to: string, timeZone: string): { startMs: number; endMs: number } {
  assertTimeZone(timeZone);
  if (to < from) throw new RangeError(`The range ends (${to}) before it starts (${from})`);
  return { startMs: zonedStartOfDay(from, timeZone), endMs: zonedStartOfDay(nextDate(to), timeZone) };
}

const PAD2: readonly string[] = Array.from({ length: 60 }, (_, i) => (i < 10 ? `0${i}` : String(i)));

function offsetString(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const abs = Math.abs(Math.round(offsetMs / MS_MIN));
  return `${sign}${PAD2[Math.floor(abs / 60)] ?? String(Math.floor(abs / 60))}:${PAD2[abs % 60]}`;
}

/** Formats instants (ms) as UTC and as local time in one zone; seconds precision. Not thread-shared. */
export class TimeFormatter {
  private bucket = Number.NaN;
  private bucketOffset = 0;
  private bucketOffsetStr = '+00:00';
  private utcDay = Number.NaN;
  private utcDayStr = '';
  private localDay = Number.NaN;
  private localDayStr = '';

  constructor(readonly timeZone: string) {
    assertTimeZone(timeZone);
  }

  /** Offset at `ms`; cached per 15-minute bucket when the offset is the same at both ends of it. */
  offsetAt(ms: number): number {
    const b = Math.floor(ms / BUCKET);
    if (b === this.bucket) return this.bucketOffset;
    const start = b * BUCKET;
    const o1 = zoneOffsetMs(this.timeZone, start);
    const o2 = zoneOffsetMs(this.timeZone, start + BUCKET - 1);
    if (o1 === o2) {
      this.bucket = b;
      this.bucketOffset = o1;
      this.bucketOffsetStr = offsetString(o1);
      return o1;
    }
    return zoneOffsetMs(this.timeZone, ms);
  }

  private dayUtc(day: number): string {
    if (day !== this.utcDay) {
      this.utcDay = day;
      this.utcDayStr = new Date(day * MS_DAY).toISOString().slice(0, 10);
    }
    return this.utcDayStr;
  }

  private dayLocal(day: number): string {
    if (day !== this.localDay) {
      this.localDay = day;
      this.localDayStr = new Date(day * MS_DAY).toISOString().slice(0, 10);
    }
    return this.localDayStr;
  }

  /** "HH:MM:SS" for each second of the day, filled lazily (at most 86,400 short strings). */
  private static readonly CLOCK: string[] = [];

  private static clock(wall: number, day: number, sep: string): string {
    const sec = Math.floor((wall - day * MS_DAY) / 1000);
    let c = TimeFormatter.CLOCK[sec];
    if (c === undefined) {
      c = `${PAD2[Math.floor(sec / 3600)]}:${PAD2[Math.floor((sec % 3600) / 60)]}:${PAD2[sec % 60]}`;
      TimeFormatter.CLOCK[sec] = c;
    }
    return sep + c;
  }

  /** 2024-01-31T18:00:00Z */
  utcIso(ms: number): string {
    const day = Math.floor(ms / MS_DAY);
    return this.dayUtc(day) + TimeFormatter.clock(ms, day, 'T') + 'Z';
  }

  /** 2024-01-31 18:00:00 (Stripe's report style, UTC) */
  utcPlain(ms: number): string {
    const day = Math.floor(ms / MS_DAY);
    return this.dayUtc(day) + TimeFormatter.clock(ms, day, ' ');
  }

  /** 2024-01-31T23:30:00+05:30 */
  localIso(ms: number): string {
    const off = this.offsetAt(ms);
    const offStr = Math.floor(ms / BUCKET) === this.bucket ? this.bucketOffsetStr : offsetString(off);
    const wall = ms + off;
    const day = Math.floor(wall / MS_DAY);
    return this.dayLocal(day) + TimeFormatter.clock(wall, day, 'T') + offStr;
  }

  /** 2024-01-31 23:30:00 (Stripe's report style, local time, no offset) */
  localPlain(ms: number): string {
    const wall = ms + this.offsetAt(ms);
    const day = Math.floor(wall / MS_DAY);
    return this.dayLocal(day) + TimeFormatter.clock(wall, day, ' ');
  }

  /** 2024-01-31 (local date) */
  localDate(ms: number): string {
    const wall = ms + this.offsetAt(ms);
    return this.dayLocal(Math.floor(wall / MS_DAY));
  }
}
