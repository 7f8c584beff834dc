/**
 * gcloud's `date()` transform (core/resource/resource_transform.py TransformDate, core/util/times.py):
 * a timestamp number (divided by `unit`) or an RFC 3339 string, printed with Python's strftime
 * (glibc's directives, C locale) plus gcloud's extensions `%Nf` (N fractional digits, rounded),
 * `%Ez` (`Z` or ±HH:MM), `%Oz` (±HH:MM) and `%s`. `tz` converts a string's time to that zone;
 * `tz_default` is the zone of a value that has none. Values that are no time give `undefined`.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';

/** A zone: UTC, a fixed offset, or an IANA name (the local zone included). */
type Zone = { kind: 'utc' } | { kind: 'offset'; minutes: number } | { kind: 'iana'; name: string };

/** A wall-clock time, naive (no zone) or aware. */
interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  micro: number;
  /** Milliseconds since the epoch of the instant (for naive times: as if UTC). */
  epochMs: number;
  zone?: { offsetMinutes: number; name: string };
}

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function localZoneName(): string {
  return process.env.TZ || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

function ianaExists(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** times.GetTimeZone: UTC/Z, LOCAL/L, else a zone name; undefined when unknown. */
function zoneNamed(name: string): Zone | undefined {
  if (name === 'UTC' || name === 'Z') return { kind: 'utc' };
  if (name === 'LOCAL' || name === 'L') return { kind: 'iana', name: localZoneName() };
  return ianaExists(name) ? { kind: 'iana', name } : undefined;
}

const abbreviations = new Map<string, Map<number, string>>();

/**
 * The zone's abbreviation for an offset (IST, CET, CEST) from the system's tzdata file, as Python's
 * dateutil reads it; undefined where there is no such file (Intl's name is used then).
 */
function tzdataAbbreviation(name: string, offsetMinutes: number): string | undefined {
  let byOffset = abbreviations.get(name);
  if (!byOffset) {
    byOffset = new Map();
    try {
      if (name.includes('..')) throw new Error('not a zone name');
      const data = fs.readFileSync(path.join('/usr/share/zoneinfo', name));
      // TZif: the version 2+ (64-bit) block follows the version 1 block; its types name the abbreviations.
      const counts = (at: number) => [0, 1, 2, 3, 4, 5].map((i) => data.readUInt32BE(at + 20 + i * 4));
      const [isut1, isstd1, leap1, time1, type1, char1] = counts(0);
      const v2 = data[4] >= 0x32 ? 44 + time1 * 5 + type1 * 6 + char1 + leap1 * 8 + isstd1 + isut1 : 0;
      const [, , , timecnt, typecnt, charcnt] = counts(v2);
      const timeSize = v2 ? 8 : 4;
      const types = v2 + 44 + timecnt * (timeSize + 1);
      const chars = types + typecnt * 6;
      const setType = (i: number) => {
        const offset = data.readInt32BE(types + i * 6) / 60;
        const start = chars + data[types + i * 6 + 5];
        const end = data.indexOf(0, start);
        byOffset!.set(offset, data.subarray(start, end < 0 || end > chars + charcnt ? chars + charcnt : end).toString('latin1'));
      };
      for (let i = 0; i < typecnt; i++) setType(i);
      // Then in transition order, so that the names in use lately win (EDT, not 1945's EPT).
      const indices = v2 + 44 + timecnt * timeSize;
      for (let i = 0; i < timecnt; i++) setType(data[indices + i]);
    } catch {
      // No tzdata file for this name.
    }
    abbreviations.set(name, byOffset);
  }
  const found = byOffset.get(offsetMinutes);
  return found && !/^[+-]\d/.test(found) ? found : undefined;
}

/** The offset (minutes east of UTC) and abbreviation of `zone` at the instant `epochMs`. */
function zoneAt(zone: Zone, epochMs: number): { offsetMinutes: number; name: string } {
  if (zone.kind === 'utc') return { offsetMinutes: 0, name: 'UTC' };
  if (zone.kind === 'offset') return { offsetMinutes: zone.minutes, name: '' };
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone.name,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    timeZoneName: 'short',
  }).formatToParts(new Date(Math.floor(epochMs / 1000) * 1000));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  const offsetMinutes = Math.round((asUtc - Math.floor(epochMs / 1000) * 1000) / 60000);
  const short = tzdataAbbreviation(zone.name, offsetMinutes) ?? parts.find((p) => p.type === 'timeZoneName')?.value ?? '';
  return {
    offsetMinutes,
    name: /^GMT[+-]/.test(short) || short === 'GMT' ? (offsetMinutes === 0 && zone.name.includes('UTC') ? 'UTC' : short) : short,
  };
}

function wallTime(epochMs: number, micro: number, zone: { offsetMinutes: number; name: string } | undefined): WallTime {
  const shifted = new Date(epochMs + (zone?.offsetMinutes ?? 0) * 60000);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
    micro,
    epochMs,
    zone,
  };
}

/** A naive wall time read in `zone` (for naive strings given tz_default, and conversions). */
function localize(
  naive: { year: number; month: number; day: number; hour: number; minute: number; second: number; micro: number },
  zone: Zone,
): WallTime {
  const asUtc = Date.UTC(naive.year, naive.month - 1, naive.day, naive.hour, naive.minute, naive.second);
  let epochMs = asUtc - zoneAt(zone, asUtc).offsetMinutes * 60000;
  epochMs = asUtc - zoneAt(zone, epochMs).offsetMinutes * 60000;
  return wallTime(epochMs, naive.micro, zoneAt(zone, epochMs));
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?$/;

interface Parsed {
  naive: { year: number; month: number; day: number; hour: number; minute: number; second: number; micro: number };
  offsetMinutes?: number;
  utcName: boolean;
}

function parseIso(text: string): Parsed | undefined {
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map((v) => (v === undefined ? 0 : Number(v)));
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return undefined;
  const micro = m[7] ? Number(m[7].padEnd(6, '0').slice(0, 6)) : 0;
  let offsetMinutes: number | undefined;
  const tz = m[8];
  if (tz) {
    if (/^(Z|z|UTC)$/.test(tz)) offsetMinutes = 0;
    else {
      const sign = tz[0] === '-' ? -1 : 1;
      const digits = tz.slice(1).replace(':', '');
      offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0));
    }
  }
  return { naive: { year, month, day, hour, minute, second, micro }, offsetMinutes, utcName: Boolean(tz && /^(Z|z|UTC)$/.test(tz)) };
}

const pad = (n: number, width = 2, fill = '0') => String(n).padStart(width, fill);

function isoWeek(t: WallTime): { year: number; week: number } {
  // The week's Thursday decides its year; weeks count from the one holding January 4th.
  const thursday = new Date(Date.UTC(t.year, t.month - 1, t.day));
  thursday.setUTCDate(thursday.getUTCDate() + 3 - ((thursday.getUTCDay() + 6) % 7));
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / 86400000 / 7);
  return { year, week };
}

function offsetText(t: WallTime): string {
  if (!t.zone) return '';
  const m = t.zone.offsetMinutes;
  return `${m < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(m) / 60))}${pad(Math.abs(m) % 60)}`;
}

/** Python's datetime.strftime on Linux: Python's own %f %z %Z, glibc's directives for the rest. */
// Long because it is one switch over every directive Python and glibc know: one place to compare with theirs.
function strftime(t: WallTime, format: string): string {
  const weekday = (new Date(Date.UTC(t.year, t.month - 1, t.day)).getUTCDay() + 6) % 7; // Monday 0
  const yday = Math.round((Date.UTC(t.year, t.month - 1, t.day) - Date.UTC(t.year, 0, 1)) / 86400000) + 1;
  const hour12 = t.hour % 12 || 12;
  const sundayWeekday = (weekday + 1) % 7;
  // Long: the switch over every directive (see strftime's comment).
  const directive = (c: string): string | undefined => {
    switch (c) {
      case 'a':
        return DAYS[weekday].slice(0, 3);
      case 'A':
        return DAYS[weekday];
      case 'b':
      case 'h':
        return MONTHS[t.month - 1].slice(0, 3);
      case 'B':
        return MONTHS[t.month - 1];
      case 'c':
        return strftime(t, '%a %b %e %H:%M:%S %Y');
      case 'C':
        return pad(Math.floor(t.year / 100));
      case 'd':
        return pad(t.day);
      case 'D':
        return strftime(t, '%m/%d/%y');
      case 'e':
        return pad(t.day, 2, ' ');
      case 'f':
        return pad(t.micro, 6);
      case 'F':
        return strftime(t, '%Y-%m-%d');
      case 'G':
        return String(isoWeek(t).year);
      case 'g':
        return pad(isoWeek(t).year % 100);
      case 'H':
        return pad(t.hour);
      case 'I':
        return pad(hour12);
      case 'j':
        return pad(yday, 3);
      case 'k':
        return pad(t.hour, 2, ' ');
      case 'l':
        return pad(hour12, 2, ' ');
      case 'm':
        return pad(t.month);
      case 'M':
        return pad(t.minute);
      case 'n':
        return '\n';
      case 'p':
        return t.hour < 12 ? 'AM' : 'PM';
      case 'P':
        return t.hour < 12 ? 'am' : 'pm';
      case 'r':
        return strftime(t, '%I:%M:%S %p');
      case 'R':
        return strftime(t, '%H:%M');
      case 's':
        return String(Math.floor(t.epochMs / 1000));
      case 'S':
        return pad(t.second);
      case 't':
        return '\t';
      case 'T':
      case 'X':
        return strftime(t, '%H:%M:%S');
      case 'u':
        return String(weekday + 1);
      case 'U':
        return pad(Math.floor((yday + 6 - sundayWeekday) / 7));
      case 'V':
        return pad(isoWeek(t).week);
      case 'w':
        return String(sundayWeekday);
      case 'W':
        return pad(Math.floor((yday + 6 - weekday) / 7));
      case 'x':
        return strftime(t, '%m/%d/%y');
      case 'y':
        return pad(t.year % 100);
      case 'Y':
        return String(t.year);
      case 'z':
        return offsetText(t);
      case 'Z':
        return t.zone?.name ?? '';
      case '%':
        return '%';
      default:
        return undefined;
    }
  };
  return format.replace(/%(.)/gs, (whole, c: string) => directive(c) ?? whole);
}

/** times.FormatDateTime: strftime plus gcloud's %Nf, %Ez, %Oz and %s extensions. */
function formatDateTime(t: WallTime, format: string): string {
  return format.replace(
    /%%|%([1-9])?([EO])?([fsz])|%./gs,
    (whole, digits: string | undefined, alternate: string | undefined, spec: string | undefined) => {
      if (!spec) return strftime(t, whole);
      if (spec === 'f') {
        let value = pad(t.micro, 6);
        const n = digits ? Number(digits) : undefined;
        if (n && n < value.length) {
          let v = Number(value.slice(0, n));
          if (Number(value[n]) >= 5) v += 1;
          value = pad(v, n);
          if (value.length > n) value = pad(v - 1, n);
        }
        return value;
      }
      if (spec === 's') {
        // Python's repr of the float timestamp: 1609459200.0, 1709231399.999999.
        const seconds = Math.floor(t.epochMs / 1000) + t.micro / 1e6;
        return Number.isInteger(seconds) ? `${seconds}.0` : String(seconds);
      }
      let value = offsetText(t);
      if (alternate === 'E' && value === '+0000') value = 'Z';
      else if (alternate && value.length === 5) value = `${value.slice(0, 3)}:${value.slice(3)}`;
      return value;
    },
  );
}

function toNumber(r: unknown): number | undefined {
  if (typeof r === 'number') return r;
  if (typeof r === 'boolean') return r ? 1 : 0;
  if (typeof r === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(r)) return Number(r);
  return undefined;
}

export function transformDate(
  r: unknown,
  format: unknown,
  unit: unknown,
  undefinedValue: unknown,
  tz: unknown,
  tzDefault: unknown,
): unknown {
  const fmt = format === null || format === undefined || format === '' ? '%Y-%m-%dT%H:%M:%S' : String(format);
  const zoneIn = tzDefault ? zoneNamed(String(tzDefault)) : undefined;
  const number = toNumber(r);
  const divisor = toNumber(unit ?? 1);
  if (number !== undefined && divisor) {
    const epochMs = (number / divisor) * 1000;
    // Python's datetime holds years 1 to 9999.
    if (!Number.isFinite(epochMs) || epochMs < -62135596800000 || epochMs >= 253402300800000) return undefinedValue;
    const whole = Math.floor(epochMs / 1000) * 1000;
    const micro = Math.round((number / divisor - whole / 1000) * 1e6);
    // fromtimestamp(ts, tz_in): aware in tz_default, else naive local time.
    const zone = zoneIn ?? ({ kind: 'iana', name: localZoneName() } as Zone);
    const at = zoneAt(zone, whole);
    const t = wallTime(whole, micro, at);
    return formatDateTime(zoneIn ? t : { ...t, zone: undefined }, fmt);
  }
  if (typeof r !== 'string') return undefinedValue;
  const local: Zone = { kind: 'iana', name: localZoneName() };
  let t: WallTime;
  const parsed = r === '' ? undefined : parseIso(r);
  if (r === '') {
    // dateutil reads an empty string as its default: now, in tz_default, else naive local time.
    const now = Date.now();
    const whole = Math.floor(now / 1000) * 1000;
    t = wallTime(whole, (now - whole) * 1000, zoneAt(zoneIn ?? local, whole));
    if (!zoneIn) t = { ...t, zone: undefined };
  } else if (!parsed) {
    return undefinedValue;
  } else if (parsed.offsetMinutes !== undefined) {
    const asUtc = Date.UTC(
      parsed.naive.year,
      parsed.naive.month - 1,
      parsed.naive.day,
      parsed.naive.hour,
      parsed.naive.minute,
      parsed.naive.second,
    );
    const epochMs = asUtc - parsed.offsetMinutes * 60000;
    t = wallTime(epochMs, parsed.naive.micro, { offsetMinutes: parsed.offsetMinutes, name: parsed.utcName ? 'UTC' : '' });
  } else {
    // A time without a zone is in tz_default, else in the local zone.
    t = localize(parsed.naive, zoneIn ?? local);
  }
  const zoneOut = tz ? zoneNamed(String(tz)) : undefined;
  if (zoneOut) {
    // A naive time is read in the target zone, an aware one converted to it.
    t = t.zone ? wallTime(t.epochMs, t.micro, zoneAt(zoneOut, t.epochMs)) : localize(t, zoneOut);
  }
  return formatDateTime(t, fmt);
}

/** times.ParseDateTime of an RFC 3339 time: its instant in milliseconds (a time without a zone is local). */
export function parseTimestamp(text: string): number | undefined {
  const parsed = parseIso(text);
  if (!parsed) return undefined;
  const { year, month, day, hour, minute, second, micro } = parsed.naive;
  if (parsed.offsetMinutes === undefined) return localize(parsed.naive, { kind: 'iana', name: localZoneName() }).epochMs + micro / 1000;
  return Date.UTC(year, month - 1, day, hour, minute, second) - parsed.offsetMinutes * 60000 + micro / 1000;
}
