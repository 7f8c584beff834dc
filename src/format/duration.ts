/**
 * gcloud's `duration()` transform (core/resource/resource_transform.py TransformDuration) and the ISO 8601
 * durations it reads and prints (core/util/iso_duration.py): a number of seconds (divided by `unit`), an
 * ISO 8601 duration ("P1DT2H", "3600s"), or a time (the duration until now), or `end - start` of two time
 * keys of the resource; printed as "[-]P[nY][nM][nD][T[nH][nM][n[.m]S]]" with at most `parts` parts.
 */
import { parseTimestamp } from './date-transform';
import { TransformCrash } from './errors';
import { getBooleanArg, PyBytes, pyFloat, pyFloatRepr, pyFormatFixed } from './python';
import { parseKey } from './lexer';
import { getKey } from './resource';

const DAYS_PER_YEAR = 365.2422;
const SECONDS_PER_MINUTE = 60;
const MINUTES_PER_HOUR = 60;
const HOURS_PER_DAY = 24;
const MONTHS_PER_YEAR = 12;
const SECONDS_PER_HOUR = SECONDS_PER_MINUTE * MINUTES_PER_HOUR;
const SECONDS_PER_DAY = SECONDS_PER_HOUR * HOURS_PER_DAY;
const SECONDS_PER_YEAR = SECONDS_PER_DAY * DAYS_PER_YEAR;
const SECONDS_PER_MONTH = SECONDS_PER_YEAR / MONTHS_PER_YEAR;

/** Python's round(x, digits) for the magnitudes durations have. */
function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}

/** Python's int(x) of a float: towards zero. */
const int = Math.trunc;

class Duration {
  years = 0;
  months = 0;
  days = 0;
  hours = 0;
  minutes = 0;
  seconds = 0;
  microseconds = 0;
  totalSeconds = 0;

  constructor(public calendar: boolean) {}

  /** Carries each part into the next larger one, so 9000.5 seconds read as 2 hours 30 minutes 0.5 seconds. */
  normalize(): this {
    const percolate = (f: number): [number, number] => {
      const whole = int(f);
      return [whole, round(round(f, 4) - whole, 4)];
    };
    let fraction: number;
    [this.years, fraction] = percolate(this.years);
    if (fraction) this.days += DAYS_PER_YEAR * fraction;
    [this.months, fraction] = percolate(this.months);
    if (fraction) this.days += int((DAYS_PER_YEAR * fraction) / MONTHS_PER_YEAR);
    [this.days, fraction] = percolate(this.days);
    if (fraction) this.hours += HOURS_PER_DAY * fraction;
    [this.hours, fraction] = percolate(this.hours);
    if (fraction) this.minutes += MINUTES_PER_HOUR * fraction;
    [this.minutes, fraction] = percolate(this.minutes);
    if (fraction) this.seconds += SECONDS_PER_MINUTE * fraction;
    [this.seconds, fraction] = percolate(this.seconds);
    if (fraction) this.microseconds = int(1e6 * fraction);

    this.totalSeconds = 0;
    let carry = int(this.microseconds / 1e6);
    this.microseconds -= int(carry * 1e6);
    this.totalSeconds += this.microseconds / 1e6;
    this.seconds += carry;
    carry = int(this.seconds / SECONDS_PER_MINUTE);
    this.seconds -= carry * SECONDS_PER_MINUTE;
    this.totalSeconds += this.seconds;
    this.minutes += carry;
    carry = int(this.minutes / MINUTES_PER_HOUR);
    this.minutes -= carry * MINUTES_PER_HOUR;
    this.totalSeconds += this.minutes * SECONDS_PER_MINUTE;
    this.hours += carry;
    if (!this.calendar) {
      if (!this.days && !this.months && !this.years) {
        // Exact durations stop at hours.
        this.totalSeconds += this.hours * SECONDS_PER_HOUR;
        return this;
      }
      this.calendar = true;
    }
    carry = int(this.hours / HOURS_PER_DAY);
    this.hours -= carry * HOURS_PER_DAY;
    this.totalSeconds += this.hours * SECONDS_PER_HOUR;
    this.days += carry;
    const yearDays = int(DAYS_PER_YEAR + 1);
    if (this.days >= yearDays) {
      this.days -= yearDays;
      this.years += 1;
    } else if (this.days <= -yearDays) {
      this.days += yearDays;
      this.years -= 1;
    }
    carry = int(this.days / DAYS_PER_YEAR);
    this.days -= int(carry * DAYS_PER_YEAR);
    this.totalSeconds += this.days * SECONDS_PER_DAY;
    this.years += carry;
    carry = int(this.months / MONTHS_PER_YEAR);
    this.months -= carry * MONTHS_PER_YEAR;
    this.totalSeconds += this.months * SECONDS_PER_MONTH;
    this.years += carry;
    this.totalSeconds += this.years * SECONDS_PER_YEAR;
    this.totalSeconds = Math.round(this.totalSeconds) + this.microseconds / 1e6;
    return this;
  }

  /** ISO 8601 text: "P" without "T" reads M as months; without "P", "T" is implied (M is minutes). */
  parse(text: string): this | undefined {
    let s = text.toUpperCase();
    let sign = '';
    if (s.startsWith('-')) {
      s = s.slice(1);
      sign = '-';
    } else if (s.startsWith('+')) {
      s = s.slice(1);
    }
    let tSeparator = false;
    let tImplied = false;
    if (s.startsWith('P')) s = s.slice(1);
    else tImplied = true;
    let amount = sign;
    const chars = Array.from(s);
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i];
      if (c >= '0' && c <= '9') {
        amount += c;
      } else if (c === '.' || c === ',') {
        amount += '.';
      } else if (c === 'T') {
        if (tSeparator) return undefined;
        tSeparator = tImplied = true;
      } else if (amount === sign) {
        return undefined;
      } else {
        const number = parsedAmount(amount);
        if (number === undefined) return undefined;
        amount = sign;
        if (c === 'Y') this.years += number;
        else if (c === 'W') this.days += number * 7;
        else if (c === 'D') this.days += number;
        else if ('MUN'.includes(c) && chars.length === i + 2 && chars[i + 1] === 'S') {
          this.seconds += number / (c === 'M' ? 1e3 : c === 'U' ? 1e6 : 1e9);
          break;
        } else if (c === 'M' && !tImplied) {
          tImplied = true;
          this.months += number;
        } else {
          tImplied = true;
          if (c === 'H') this.hours += number;
          else if (c === 'M') this.minutes += number;
          else if (c === 'S') this.seconds += number;
          else return undefined;
        }
      }
    }
    if (amount !== sign && text.toUpperCase().replace(/^[+-]+/, '') !== 'P0') return undefined;
    return this.normalize();
  }

  format(parts: number, precision: number): string {
    const limit = parts <= 0 ? 7 : parts;
    let rest = Math.abs(this.totalSeconds);
    let count = 0;
    let shown = 0;
    const out: string[] = [];
    if (this.totalSeconds < 0) out.push('-');
    out.push('P');
    const part = (value: number, unitSeconds: number, suffix: string): void => {
      if (count < limit && value) {
        shown = 1;
        let n = Math.abs(value);
        rest -= n * unitSeconds;
        // The last part shown carries what is left as its fraction.
        if (count >= limit - 1) n += rest / unitSeconds;
        formatNumber(out, n, suffix, 0);
      }
      count += shown;
    };
    part(this.years, SECONDS_PER_YEAR, 'Y');
    part(this.months, SECONDS_PER_MONTH, 'M');
    part(this.days, SECONDS_PER_DAY, 'D');
    out.push('T');
    part(this.hours, SECONDS_PER_HOUR, 'H');
    part(this.minutes, SECONDS_PER_MINUTE, 'M');
    if (count < limit && (this.seconds || this.microseconds)) {
      formatNumber(out, Math.abs(this.seconds) + Math.abs(this.microseconds) / 1e6, 'S', precision);
    }
    if (out[out.length - 1] === 'T') out.pop();
    if (out[out.length - 1] === 'P') out.push('0');
    return out.join('');
  }
}

/** Appends the number with `precision` decimals, trailing zeros and point stripped; nothing if that leaves 0. */
function formatNumber(out: string[], n: number, suffix: string, precision: number): void {
  let s = pyFormatFixed(n, precision);
  if (precision) s = s.replace(/0+$/, '').replace(/\.$/, '');
  if (s && s !== '0') out.push(s + suffix);
}

/** The number the duration parser collected (digits, one point, a sign). */
function parsedAmount(text: string): number | undefined {
  return /^-?(\d+\.?\d*|\.\d+)$/.test(text) ? Number(text) : undefined;
}

function fromSeconds(seconds: number, calendar: boolean): Duration {
  const d = new Duration(calendar);
  d.seconds = seconds;
  return d.normalize();
}

/** Python's int() of a transform argument (a number or its text), or undefined where int() raises. */
function pyInt(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : undefined;
  const text = String(value)
    .trim()
    .replace(/(?<=\d)_(?=\d)/g, '');
  return /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
}

function secondsSince(time: string, now: number): number | undefined {
  const epochMs = parseTimestamp(time);
  return epochMs === undefined ? undefined : (now - epochMs) / 1000;
}

export function transformDuration(
  r: unknown,
  start: unknown,
  end: unknown,
  partsArg: unknown,
  precisionArg: unknown,
  calendarArg: unknown,
  unit: unknown,
  undefinedValue: unknown,
  now = Date.now(),
): unknown {
  const parts = pyInt(partsArg);
  const precision = pyInt(precisionArg);
  if (parts === undefined || precision === undefined) return undefinedValue;
  const calendar = getBooleanArg(calendarArg);
  if (start) {
    const startValue = getKey(r, parseKey(String(start)), null);
    const endValue = end ? getKey(r, parseKey(String(end)), null) : null;
    const startMs = typeof startValue === 'string' ? parseTimestamp(startValue) : undefined;
    if (startMs === undefined) return undefinedValue;
    let endMs = now;
    if (endValue) {
      const parsed = typeof endValue === 'string' ? parseTimestamp(endValue) : undefined;
      if (parsed === undefined) return undefinedValue;
      endMs = parsed;
    }
    return fromSeconds((endMs - startMs) / 1000, calendar).format(parts, precision);
  }
  // A time is recognised with str.startswith(), which bytes refuse.
  if (r instanceof PyBytes) {
    throw new TransformCrash('TypeError', 'startswith first arg must be bytes or a tuple of bytes, not str');
  }
  const number = pyFloat(r);
  const divisor = pyFloat(unit);
  if (number !== undefined && divisor !== undefined) {
    if (divisor === 0) throw new TransformCrash('ZeroDivisionError', 'float division by zero');
    // gcloud reads the seconds back from Python's repr ("PT3600.0S"); an exponent or a sign does not parse.
    const parsed = new Duration(calendar).parse(`PT${pyFloatRepr(number / divisor)}S`);
    if (parsed) return parsed.format(parts, precision);
  }
  if (typeof r !== 'string') return undefinedValue;
  const duration = new Duration(false).parse(r);
  if (duration) return duration.format(parts, precision);
  const seconds = secondsSince(r, now);
  return seconds === undefined ? undefinedValue : fromSeconds(seconds, calendar).format(parts, precision);
}
