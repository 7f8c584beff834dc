/**
 * Python value semantics needed to reproduce gcloud's (Python) output byte for byte:
 * str()/repr() of JSON values, float formatting, truthiness, string ordering and
 * a few str predicates. Resources are plain JSON values (null, boolean, number,
 * string, array, object); `undefined` is treated like Python's None.
 */

export type JsonObject = { [key: string]: unknown };

/** A JSON object (a Python dict); class instances such as PyBytes are not. */
export function isObject(value: unknown): value is JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Python bytes, as decode() returns them: printers show them as text, `b'...'` or `!!binary` each their own way. */
export class PyBytes {
  constructor(readonly bytes: Buffer) {}

  /** Python's repr (and str) of bytes: b'...' with escapes. */
  toString(): string {
    const quote = this.bytes.includes(0x27) && !this.bytes.includes(0x22) ? '"' : "'";
    let body = '';
    for (const byte of this.bytes) {
      const c = String.fromCharCode(byte);
      if (c === quote || c === '\\') body += `\\${c}`;
      else if (c === '\n') body += '\\n';
      else if (c === '\r') body += '\\r';
      else if (c === '\t') body += '\\t';
      else if (byte < 0x20 || byte >= 0x7f) body += `\\x${byte.toString(16).padStart(2, '0')}`;
      else body += c;
    }
    return `b${quote}${body}${quote}`;
  }

  /** gcloud's encoding.Decode: UTF-8 text, else one character per byte. */
  decoded(): string {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(this.bytes);
    } catch {
      return this.bytes.toString('latin1');
    }
  }
}

/** gcloud's encoding.Decode of a printed value: bytes as text, anything else as str(). */
export function pyDecode(value: unknown): string {
  return value instanceof PyBytes ? value.decoded() : pyStr(value);
}

/**
 * JSON numbers carry no int/float distinction, Python's json.loads does.
 * A number is taken to be an int when JSON.stringify writes it as an integer
 * (integral and below 1e21); everything else is a float. So `1.0` in the
 * original JSON prints as `1`, where gcloud would print `1.0`.
 */
export function isPyInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 1e21;
}

export function isPyFloat(value: unknown): value is number {
  return typeof value === 'number' && !isPyInt(value);
}

/** Python truthiness (`if value:`). */
export function pyTruthy(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'string') return value.length > 0;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  if (typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.length > 0;
  if (isObject(value)) return Object.keys(value).length > 0;
  if (value instanceof PyBytes) return value.bytes.length > 0;
  return true;
}

/** Python str ordering compares code points, JS `<` compares UTF-16 units. */
export function comparePyStrings(a: string, b: string): number {
  const ca = Array.from(a);
  const cb = Array.from(b);
  const n = Math.min(ca.length, cb.length);
  for (let i = 0; i < n; i++) {
    const d = ca[i].codePointAt(0)! - cb[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return ca.length - cb.length;
}

/** Marks a dict whose keys are Python ints (count() of bytes), which sort as numbers. */
export const INT_KEYS = Symbol('int keys');

/** Dict keys in Python `sorted()` order. */
export function sortedKeys(obj: JsonObject): string[] {
  if (obj[INT_KEYS as unknown as string]) return Object.keys(obj).sort((a, b) => Number(a) - Number(b));
  return Object.keys(obj).sort(comparePyStrings);
}

/** Python len() of a str counts code points. */
export function pyLen(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

// Characters for which Python's str.isspace() is true.
const PY_SPACE = /^[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/u;

export function pyIsSpace(ch: string): boolean {
  return PY_SPACE.test(ch);
}

/** Python str.isalpha(). */
export function pyIsAlpha(s: string): boolean {
  return /^\p{L}+$/u.test(s);
}

/** Python str.title(): upper-case a letter that follows a non-letter, lower-case the rest. */
export function pyTitle(s: string): string {
  let out = '';
  let previousCased = false;
  for (const ch of s) {
    const cased = /\p{L}/u.test(ch);
    out += cased ? (previousCased ? ch.toLowerCase() : ch.toUpperCase()) : ch;
    previousCased = cased;
  }
  return out;
}

/** Python str.center(width - displayAdjust): CPython's left/right padding split. */
export function pyCenter(s: string, width: number, displayAdjust = 0): string {
  const target = width - displayAdjust;
  const margin = target - pyLen(s);
  if (margin <= 0) return s;
  const left = Math.floor(margin / 2) + (margin & target & 1);
  return ' '.repeat(left) + s + ' '.repeat(margin - left);
}

// ---------------------------------------------------------------------------
// Floats

/** |x| = mantissa * 2^exponent, exactly. */
function decomposeDouble(x: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased === 0) return { mantissa: fraction, exponent: -1074 };
  return { mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}

/** round_half_even(|x| * 10^scale), computed exactly like CPython's formatter. */
function roundScaled(x: number, scale: number): bigint {
  const { mantissa, exponent } = decomposeDouble(x);
  let num = mantissa * 10n ** BigInt(Math.max(scale, 0));
  let den = 10n ** BigInt(Math.max(-scale, 0));
  if (exponent >= 0) num <<= BigInt(exponent);
  else den <<= BigInt(-exponent);
  let q = num / den;
  const twice = (num % den) * 2n;
  if (twice > den || (twice === den && q % 2n === 1n)) q += 1n;
  return q;
}

function sign(x: number): string {
  return x < 0 || Object.is(x, -0) ? '-' : '';
}

function nonFinite(x: number): string | undefined {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return undefined;
}

function exponentSuffix(exp: number): string {
  return 'e' + (exp < 0 ? '-' : '+') + String(Math.abs(exp)).padStart(2, '0');
}

/**
 * Significant `digits` of x with decimal exponent `exp`, as Python writes them: fixed notation (at
 * least one fraction digit) for -4 <= exp < fixedBelow, else d.ddde±XX.
 */
function placeDigits(x: number, digits: string, exp: number, fixedBelow: number): string {
  if (exp >= -4 && exp < fixedBelow) {
    if (exp >= 0) {
      const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
      return sign(x) + intPart + '.' + (digits.slice(exp + 1) || '0');
    }
    return sign(x) + '0.' + '0'.repeat(-exp - 1) + digits;
  }
  const significand = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
  return sign(x) + significand + exponentSuffix(exp);
}

/** Python repr(float): shortest round-trip digits, exponent outside 1e-4 <= |x| < 1e16. */
export function pyFloatRepr(x: number): string {
  const special = nonFinite(x);
  if (special) return special;
  if (x === 0) return sign(x) + '0.0';
  const [mant, expText] = Math.abs(x).toExponential().split('e');
  const digits = mant.replace('.', '');
  return placeDigits(x, digits, Number(expText), 16);
}

/** Python '{:.Nf}'.format(x). */
export function pyFormatFixed(x: number, decimals: number): string {
  const special = nonFinite(x);
  if (special) return special;
  const digits = roundScaled(x, decimals)
    .toString()
    .padStart(decimals + 1, '0');
  const intPart = digits.slice(0, digits.length - decimals);
  const frac = digits.slice(digits.length - decimals);
  return sign(x) + intPart + (decimals > 0 ? '.' + frac : '');
}

/** Python '{:.P}'.format(x): like %g, but fixed notation keeps one fraction digit. */
export function pyFormatGeneral(x: number, precision: number): string {
  const special = nonFinite(x);
  if (special) return special;
  const p = Math.max(precision, 1);
  if (x === 0) return sign(x) + '0.0';
  let exp = Number(Math.abs(x).toExponential().split('e')[1]);
  let q = roundScaled(x, p - 1 - exp);
  if (q >= 10n ** BigInt(p)) {
    exp += 1;
    q = roundScaled(x, p - 1 - exp);
  } else if (q < 10n ** BigInt(p - 1)) {
    exp -= 1;
    q = roundScaled(x, p - 1 - exp);
  }
  return placeDigits(x, q.toString().replace(/0+$/, '') || '0', exp, p - 1);
}

function pyIntString(x: number): string {
  return BigInt(x).toString();
}

/** Python str(int) / repr(float) for a JSON number. */
export function pyNumberString(x: number): string {
  return isPyInt(x) ? pyIntString(x) : pyFloatRepr(x);
}

// ---------------------------------------------------------------------------
// str() and repr()

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** Python repr(str). */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += '\\' + ch;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += '\\x' + code.toString(16).padStart(2, '0');
    else if (code < 0x7f) out += ch;
    else if (ch !== ' ' && NON_PRINTABLE.test(ch)) out += pyHexEscape(code);
    else out += ch;
  }
  return out + quote;
}

function pyHexEscape(code: number): string {
  if (code <= 0xff) return '\\x' + code.toString(16).padStart(2, '0');
  if (code <= 0xffff) return '\\u' + code.toString(16).padStart(4, '0');
  return '\\U' + code.toString(16).padStart(8, '0');
}

/** Python repr() of a JSON value. */
export function pyRepr(value: unknown): string {
  if (typeof value === 'string') return pyStrRepr(value);
  if (value instanceof PyBytes) return value.toString();
  if (Array.isArray(value)) return '[' + value.map(pyRepr).join(', ') + ']';
  if (isObject(value)) {
    const items = Object.entries(value).map(([k, v]) => pyStrRepr(k) + ': ' + pyRepr(v));
    return '{' + items.join(', ') + '}';
  }
  return pyStr(value);
}

/** Python str() of a JSON value. */
export function pyStr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return pyNumberString(value);
  if (value instanceof PyBytes) return value.toString();
  return pyRepr(value);
}

/** gcloud's GetBooleanArgValue: false for false, empty, "false" (any case) and numeric zero; true otherwise. */
export function getBooleanArg(arg: unknown): boolean {
  if (typeof arg === 'boolean') return arg;
  if (!pyTruthy(arg)) return false;
  const text = String(arg);
  if (text.toLowerCase() === 'false') return false;
  const trimmed = text.trim().replace(/(?<=\d)_(?=\d)/g, '');
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(trimmed)) return Number(trimmed) !== 0;
  return true;
}

/** Python's urllib.parse.unquote: %XX escapes decoded as UTF-8 (bad sequences become U+FFFD). */
export function pyUnquote(text: string): string {
  if (!text.includes('%')) return text;
  return text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'));
}

/** Python's float() of a value (a number, a bool, or number text): undefined where it raises. */
export function pyFloat(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().replace(/(?<=\d)_(?=\d)/g, '');
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return Number(text);
  const word = /^([+-]?)(inf|infinity|nan)$/i.exec(text);
  if (word) return word[2].toLowerCase() === 'nan' ? NaN : word[1] === '-' ? -Infinity : Infinity;
  return undefined;
}
