/**
 * gcloud's builtin projection transforms (core/resource/resource_transform.py GetTransforms), e.g.
 * `name.basename()`, `labels.list()`, `createTime.date("%Y")`, `size()`, `format("{0}/{1}", a, b)`.
 * Each follows gcloud's argument conventions: args arrive as strings, `name=value` args are keyword
 * args of transforms whose Python signature has defaults, a call that does not fit the signature fails
 * with Python's TypeError (see checkCall), and bad resource values yield `undefined=` rather than an error.
 */
import { transformDate } from './date-transform';
import { transformDuration } from './duration';
import { FormatError, TransformCrash } from './errors';
import { parseKey } from './lexer';
import { pyTypeName } from './py-format';
import {
  comparePyStrings,
  getBooleanArg,
  INT_KEYS,
  isObject,
  PyBytes,
  pyFloat,
  pyFormatFixed,
  pyFormatGeneral,
  pyDecode,
  pyLen,
  pyStr,
  pyStrRepr,
  pyTruthy,
  pyUnquote,
  sortedKeys,
} from './python';
import { getKey } from './resource';
import {
  iterate,
  type Signature,
  type TransformArgs,
  type TransformDefinition,
  type TransformKwargs,
  type TransformRegistry,
} from './transform';

/** Positional-or-keyword parameter lookup, like a Python call binding. */
function param(args: TransformArgs, kwargs: TransformKwargs, index: number, name: string, fallback: unknown): unknown {
  if (index < args.length) return args[index];
  if (Object.hasOwn(kwargs, name)) return kwargs[name];
  return fallback;
}

function keyValue(r: unknown, key: unknown): unknown {
  return getKey(r, parseKey(String(key)), null);
}

export function basename(r: unknown, undefinedValue: unknown = ''): unknown {
  if (!pyTruthy(r)) return undefinedValue;
  if (Array.isArray(r)) return r.map((item) => basename(item));
  const s = pyStr(r);
  for (const separator of ['/', '\\']) {
    const i = s.lastIndexOf(separator);
    if (i >= 0) return s.slice(i + 1);
  }
  return s || undefinedValue;
}

/** gcloud's float formatting: 6 significant digits, no exponent below 1e9. */
export function formatFloat(r: unknown, precision: unknown = 6, spec: unknown = null, undefinedValue: unknown = ''): unknown {
  const number = pyFloat(r);
  if (number === undefined) return undefinedValue;
  const digits = Number(precision);
  if (spec === 'f') return pyFormatFixed(number, digits);
  const representation = pyFormatGeneral(number, digits);
  const exponentIndex = representation.indexOf('e+');
  if (exponentIndex >= 0 && Number(representation.slice(exponentIndex + 2)) < 9) {
    return pyFormatFixed(number, 1);
  }
  return representation;
}

function flattenValue(r: unknown, show: string, undefinedValue: unknown, separator: string): unknown {
  const recurse = (x: unknown): unknown => flattenValue(x, show, undefinedValue, separator);
  let value = r;
  if (isObject(value)) {
    const dict = value;
    const keys = sortedKeys(dict);
    if (show === 'keys') value = keys.join(separator);
    else if (show === 'values') value = keys.map((k) => pyStr(recurse(dict[k]))).join(separator);
    else value = keys.map((k) => `${k}=${pyStr(recurse(dict[k]))}`).join(separator);
  }
  if (Array.isArray(value) && value.length) {
    const items = Array.isArray(value[0]) || isObject(value[0]) ? value.map(recurse) : value;
    return items.map(pyStr).join(separator);
  }
  return pyTruthy(value) ? value : undefinedValue;
}

function listValue(r: unknown, show: string, undefinedValue: unknown, separator: string): unknown {
  if (isObject(r)) {
    const keys = sortedKeys(r);
    if (show === 'keys') return keys.join(separator);
    if (show === 'values') return keys.map((k) => pyStr(r[k])).join(separator);
    return keys.map((k) => `${k}=${pyStr(r[k])}`).join(separator);
  }
  if (Array.isArray(r)) return r.map(pyStr).join(separator);
  return pyTruthy(r) ? r : undefinedValue;
}

function pyLength(r: unknown): number {
  if (typeof r === 'string') return pyLen(r);
  if (Array.isArray(r)) return r.length;
  if (isObject(r)) return Object.keys(r).length;
  if (r instanceof PyBytes) return r.bytes.length;
  return 0;
}

/** Python list(r[slice(...)]) with gcloud's "start:end:step" / "index" op. */
function sliceValue(r: unknown, op: unknown, undefinedValue: unknown): unknown {
  const text = String(op).trim();
  if (!text) return undefinedValue;
  const parts = text.split(':').map((p) => p.trim());
  if (parts.some((p) => p !== '' && !/^[+-]?\d+$/.test(p)) || parts.length > 3) return undefinedValue;
  const ops = parts.map((p) => (p === '' ? null : Number(p)));
  if (ops.length === 1) ops.push(ops[0]! + 1 || null);
  // list(r[...]): a str's characters, a list's items, a bytes value's ints.
  const items = isObject(r) ? undefined : iterate(r);
  if (!items) return undefinedValue;
  const [start, end, step = null] = ops;
  const result = pySlice(items, start, end, step ?? 1);
  return result?.length ? result : undefinedValue;
}

function pySlice<T>(items: T[], start: number | null, end: number | null, step: number): T[] | undefined {
  if (step === 0) return undefined;
  const n = items.length;
  const clamp = (i: number, lo: number, hi: number): number => Math.min(Math.max(i, lo), hi);
  const resolve = (i: number | null, fallback: number, lo: number, hi: number): number =>
    i === null ? fallback : clamp(i < 0 ? i + n : i, lo, hi);
  const out: T[] = [];
  if (step > 0) {
    for (let i = resolve(start, 0, 0, n), stop = resolve(end, n, 0, n); i < stop; i += step) out.push(items[i]);
  } else {
    for (let i = resolve(start, n - 1, -1, n - 1), stop = resolve(end, -1, -1, n - 1); i > stop; i += step) {
      out.push(items[i]);
    }
  }
  return out;
}

function comparePy(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return comparePyStrings(a, b);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return comparePyStrings(pyStr(a), pyStr(b));
}

function group(r: unknown, keys: TransformArgs): unknown {
  if (!pyTruthy(r)) return '[]';
  const parsed = keys.map((k) => parseKey(String(k)));
  const groups = (iterate(r) ?? []).map((item) => {
    if (!parsed.length) return `[${pyStr(item)}]`;
    const values = parsed.map((key) => {
      const value = getKey(item, key, null);
      return value === null ? '' : pyStr(value);
    });
    return `[${values[0]}${values.length > 1 ? ': ' + values.slice(1).join(', ') : ''}]`;
  });
  return groups.join(' ');
}

function uri(r: unknown, undefinedValue: unknown): unknown {
  if (typeof r === 'string') return r.startsWith('https://') ? r : undefinedValue;
  if (pyTruthy(r)) {
    for (const name of ['selfLink', 'SelfLink']) {
      const value = getKey(r, [name], null);
      if (typeof value === 'string' && value) return value;
    }
  }
  return undefinedValue;
}

/** Python's int() of a transform argument; its ValueError escapes, as it does in gcloud. */
function pyIntArg(value: unknown): number {
  if (typeof value === 'number') return Math.trunc(value);
  const text = String(value)
    .trim()
    .replace(/(?<=\d)_(?=\d)/g, '');
  if (!/^[+-]?\d+$/.test(text))
    throw new TransformCrash('ValueError', `invalid literal for int() with base 10: ${pyStrRepr(String(value))}`);
  return Number(text);
}

/** A Python regular expression as a JavaScript one (named groups and \A, \Z spelled the JavaScript way). */
function pyRegExp(pattern: string, flags: string): RegExp {
  const source = pattern
    .replace(/\(\?P</g, '(?<')
    .replace(/\(\?P=(\w+)\)/g, '\\k<$1>')
    .replace(/\\A/g, '(?<![\\s\\S])')
    .replace(/\\Z/g, '(?![\\s\\S])');
  try {
    return new RegExp(source, flags + 'u');
  } catch (error) {
    throw new TransformCrash('error', (error as Error).message);
  }
}

const COLORS = ['red', 'yellow', 'green', 'blue'];

/** The resource as text; gcloud colours the first matching pattern's text only on a terminal, which machine output never is. */
function color(r: unknown, patterns: unknown[], kwargs: TransformKwargs): unknown {
  const text = pyStr(r);
  const matched = patterns.some((pattern) => pyTruthy(pattern) && pyRegExp(String(pattern), '').test(text));
  if (matched) {
    const unexpected = Object.keys(kwargs).find((k) => !COLORS.includes(k) && k !== 'justify');
    if (unexpected) throw new TransformCrash('TypeError', `Colorizer.__init__() got an unexpected keyword argument '${unexpected}'`);
  }
  return text;
}

/**
 * Python's bytes.decode(encoding, errors) for the text codecs: 'replace' puts U+FFFD for what does not
 * decode, 'strict' gives undefined (Python's UnicodeError); an unknown codec also gives undefined.
 */
function decodeBytes(bytes: Buffer, encoding: string, errors: 'replace' | 'strict' = 'replace'): string | undefined {
  const name = encoding.toLowerCase().replace(/_/g, '-');
  const fatal = errors === 'strict';
  const text = (label: string, ignoreBOM = false): string | undefined => {
    try {
      return new TextDecoder(label, { fatal, ignoreBOM }).decode(bytes);
    } catch {
      return undefined;
    }
  };
  if (['utf-8', 'utf8', 'u8', 'utf'].includes(name)) return text('utf-8');
  if (['ascii', 'us-ascii', '646'].includes(name)) {
    if (fatal && bytes.some((b) => b >= 0x80)) return undefined;
    return Array.from(bytes, (b) => (b < 0x80 ? String.fromCharCode(b) : '\ufffd')).join('');
  }
  if (['latin-1', 'latin1', 'iso-8859-1', 'iso8859-1', 'l1'].includes(name)) return bytes.toString('latin1');
  // Python's utf-16 reads a byte-order mark, else little-endian.
  if (['utf-16', 'utf16'].includes(name)) return text(bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : 'utf-16le');
  if (['utf-16le', 'utf-16-le', 'utf-16be', 'utf-16-be'].includes(name)) return text(name.replace('16-', '16'), true);
  return undefined;
}

/**
 * base64 (URL-safe or standard) of str(r) to bytes; bytes decoded with a text codec to str (a str
 * has no decode(), so any other decoding of a str gives `undefined`).
 */
function decode(r: unknown, encoding: unknown, undefinedValue: unknown): unknown {
  if (encoding !== 'base64') {
    return r instanceof PyBytes && typeof encoding === 'string' ? (decodeBytes(r.bytes, encoding) ?? undefinedValue) : undefinedValue;
  }
  const text = pyStr(r);
  if (/[^\x00-\x7f]/.test(text)) return undefinedValue;
  const data = text.replace(/-/g, '+').replace(/_/g, '/');
  const body = data.replace(/=.*$/s, '').replace(/[^A-Za-z0-9+/]/g, '');
  const padding = (data.match(/=/g) ?? []).length;
  if (body.length % 4 === 1 || (body.length % 4 && padding < 4 - (body.length % 4))) return undefinedValue;
  return new PyBytes(Buffer.from(body, 'base64'));
}

function encode(r: unknown, encoding: unknown, undefinedValue: unknown): unknown {
  if (encoding === 'base64') {
    if (r === null || r === undefined) return '';
    if (r instanceof PyBytes) return r.bytes.toString('base64');
    const text = pyStr(r);
    const latin1 = Array.from(text).every((c) => c.codePointAt(0)! < 256);
    return Buffer.from(text, latin1 ? 'latin1' : 'utf8').toString('base64');
  }
  const name = String(encoding).toLowerCase().replace(/_/g, '-');
  if (!['utf-8', 'utf8', 'ascii', 'us-ascii', 'latin-1', 'latin1', 'iso-8859-1'].includes(name)) return undefinedValue;
  // gcloud's SafeText: bytes are decoded (ASCII, then the encoding asked for, then UTF-8) before they are escaped.
  const text = r instanceof PyBytes && r.bytes.some((b) => b >= 0x80) ? (decodeBytes(r.bytes, name, 'strict') ?? pyDecode(r)) : pyDecode(r);
  const limit = name.includes('ascii') ? 0x80 : name.startsWith('utf') ? Infinity : 0x100;
  // Characters the encoding lacks are escaped, as gcloud's SafeText does.
  return Array.from(text)
    .map((c) => {
      const code = c.codePointAt(0)!;
      if (code < limit) return c;
      if (code < 0x100) return '\\x' + code.toString(16).padStart(2, '0');
      return code < 0x10000 ? '\\u' + code.toString(16).padStart(4, '0') : '\\U' + code.toString(16).padStart(8, '0');
    })
    .join('');
}

function regexValue(r: unknown, expression: unknown, doesMatch: unknown, nomatch: unknown): unknown {
  if (!pyTruthy(r)) return nomatch;
  if (pyTruthy(expression)) {
    const re = pyRegExp(String(expression), 'y');
    if (typeof r === 'string' && re.test(r)) return pyTruthy(doesMatch) ? doesMatch : r;
  }
  return nomatch;
}

/** Public attribute names of Python's str, bytes, list and float that hold an "x" (which gcloud then fails to look up). */
const HAS_X_MEMBER = new Set(['str', 'bytes', 'list', 'float']);

function resolution(r: unknown, undefinedValue: unknown, transpose: unknown): unknown {
  if (!isObject(r)) {
    // gcloud looks through dir(r): an "x" in a method name (index, extend, hex) fails the lookup.
    if (HAS_X_MEMBER.has(pyTypeName(r))) throw new TransformCrash('KeyError', "'x'");
    return undefinedValue;
  }
  const members = new Map<string, string>();
  for (const name of Object.keys(r)) if (!name.startsWith('__') && !name.endsWith('__')) members.set(name.toLowerCase(), name);
  const dimension = (d: string): unknown => {
    for (const m of members.keys()) {
      if (m.includes(d)) {
        if (!members.has(d)) throw new TransformCrash('KeyError', pyStrRepr(d));
        return getKey(r, [members.get(d)!], null);
      }
    }
    return null;
  };
  const pairs = [
    ['width', 'height'],
    ['screenx', 'screeny'],
    ['col', 'row'],
    ['col', 'line'],
    ['x', 'y'],
  ];
  for (const [nameX, nameY] of pairs) {
    const x = dimension(nameX);
    if (x === null) continue;
    const y = dimension(nameY);
    if (y === null) continue;
    return getBooleanArg(transpose) ? `${pyStr(y)} x ${pyStr(x)}` : `${pyStr(x)} x ${pyStr(y)}`;
  }
  return undefinedValue;
}

/** The part of a URI after the first /regions/ or /zones/ (or the named segments); else its last component. */
function scope(r: unknown, names: string[]): unknown {
  if (!pyTruthy(r)) return '';
  const text = pyUnquote(pyStr(r));
  if (!text.includes('/')) return text;
  for (const name of names.length ? names : ['regions', 'zones']) {
    const segment = `/${name}/`;
    if (text.includes(segment)) return text.split(segment).pop();
  }
  if (text.startsWith('https://')) return text.split('/').pop();
  return text;
}

const UNIT_SIZES: Record<string, number> = { K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40, P: 2 ** 50 };

/** A unit argument: a number of bytes, or a suffix whose first letter names a power of 1024. */
function unitSize(unit: unknown): [suffix: string, size: number] {
  const number = unit === null ? undefined : pyFloat(unit);
  if (number !== undefined) return ['', number || 1];
  const first = typeof unit === 'string' && unit ? unit[0].toUpperCase() : '';
  return first in UNIT_SIZES ? [first, UNIT_SIZES[first]] : ['', 1];
}

/** A size in bytes for people: 1.5 KiB, 3 MiB, or in units_out without a unit name. */
function size(r: unknown, zero: unknown, precisionArg: unknown, unitsIn: unknown, unitsOut: unknown, min: unknown): unknown {
  if (!pyTruthy(r) && zero !== null) return zero;
  let value = pyFloat(r) ?? 0;
  const minSize = pyFloat(min);
  if (minSize === undefined) throw new TransformCrash('ValueError', `could not convert string to float: ${pyStrRepr(String(min))}`);
  let prefix = '';
  if (value < minSize) {
    value = minSize;
    prefix = '< ';
  }
  const precision = (): number => {
    const text = String(precisionArg);
    if (!/^\d+$/.test(text)) throw new TransformCrash('ValueError', `Format specifier missing precision`);
    return Number(text);
  };
  value *= unitSize(unitsIn)[1];
  const [outSuffix, outSize] = unitSize(unitsOut);
  if (outSuffix) return pyFormatFixed(value / outSize, precision());
  let unit = 'PiB';
  for (const name of ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']) {
    if (value < 1024) {
      unit = name;
      break;
    }
    value /= 1024;
  }
  if (Number.isNaN(value)) throw new TransformCrash('ValueError', 'cannot convert float NaN to integer');
  if (!Number.isFinite(value)) throw new TransformCrash('OverflowError', 'cannot convert float infinity to integer');
  if (Number.isInteger(value)) return `${prefix}${BigInt(value)} ${unit}`;
  return `${prefix}${pyFormatFixed(value, precision())} ${unit}`;
}

/** Python's re.sub replacement template: \1, \g<name>, \g<1> and the usual escapes. */
function expandTemplate(template: string, match: RegExpExecArray): string {
  return template.replace(/\\(g<([^>]*)>|\d{1,2}|.)/gs, (whole, code: string, groupName: string | undefined) => {
    if (groupName !== undefined) return (/^\d+$/.test(groupName) ? match[Number(groupName)] : match.groups?.[groupName]) ?? '';
    if (/^\d/.test(code)) return match[Number(code)] ?? '';
    const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '\\': '\\' };
    if (code in escapes) return escapes[code];
    if (/[A-Za-z]/.test(code)) throw new TransformCrash('error', `bad escape ${whole}`);
    return whole;
  });
}

function substitute(r: unknown, pattern: unknown, replacement: unknown, countArg: unknown, ignorecase: unknown): unknown {
  const countText = String(countArg).trim();
  if (!/^[+-]?\d+$/.test(countText)) return r;
  const count = Number(countText);
  let re: RegExp;
  try {
    re = pyRegExp(String(pattern), `gms${getBooleanArg(ignorecase) ? 'i' : ''}`);
  } catch (error) {
    if (error instanceof TransformCrash) return r;
    throw error;
  }
  if (r instanceof PyBytes) throw new TransformCrash('TypeError', 'cannot use a string pattern on a bytes-like object');
  if (typeof r !== 'string') throw new TransformCrash('TypeError', `expected string or bytes-like object, got '${pyTypeName(r)}'`);
  if (count < 0) return r;
  let done = 0;
  return r.replace(re, (...found) => {
    if (count && done >= count) return found[0];
    done++;
    const groups = typeof found[found.length - 1] === 'object' ? found[found.length - 1] : undefined;
    const match = Object.assign(found.slice(0, groups ? -3 : -2), { groups }) as unknown as RegExpExecArray;
    return expandTemplate(String(replacement), match);
  });
}

/** Python's len(): a TypeError for a value without one. */
function pyLenOrCrash(r: unknown): number {
  if (typeof r === 'string' || Array.isArray(r) || isObject(r) || r instanceof PyBytes) return pyLength(r);
  throw new TransformCrash('TypeError', `object of type '${pyTypeName(r)}' has no len()`);
}

/** `r[:limit - 3] + '...'` once len(r) reaches the limit: only a str can be added to '...'. */
function trailOff(r: unknown, characterLimit: unknown, undefinedValue: unknown): unknown {
  const text = String(characterLimit)
    .trim()
    .replace(/(?<=\d)_(?=\d)/g, '');
  if (!/^[+-]?\d+$/.test(text)) return undefinedValue;
  const limit = Number(text);
  if (limit <= 3) return undefinedValue;
  if (pyLenOrCrash(r) < limit) return r;
  if (typeof r === 'string')
    return (
      Array.from(r)
        .slice(0, limit - 3)
        .join('') + '...'
    );
  if (Array.isArray(r)) throw new TransformCrash('TypeError', 'can only concatenate list (not "str") to list');
  if (r instanceof PyBytes) throw new TransformCrash('TypeError', "can't concat str to bytes");
  // A dict subscripted with a slice (hashable since Python 3.12): no such key.
  throw new TransformCrash('KeyError', `slice(None, ${limit - 3}, None)`);
}

/** The time transforms test a value with str.startswith(), which bytes refuse. */
function refuseBytes(r: unknown): unknown {
  if (r instanceof PyBytes) throw new TransformCrash('TypeError', 'startswith first arg must be bytes or a tuple of bytes, not str');
  return r;
}

type Apply = TransformDefinition['apply'];

/**
 * A transform with its Python signature: `params` are the parameters after the resource, the first
 * `required` of them without a default; `*args`/`**kwargs` and the projection argument as flagged.
 */
export function define(
  name: string,
  params: string[],
  required: number,
  apply: Apply,
  extra: Partial<Pick<Signature, 'varargs' | 'varkwargs' | 'projection'>> = {},
): TransformDefinition {
  return { signature: { name, params, required, ...extra }, apply };
}

const TRANSFORMS: Record<string, TransformDefinition> = {
  always: define('TransformAlways', [], 0, (r) => r),
  basename: define('TransformBaseName', ['undefined'], 0, (r, a, k) => basename(r, param(a, k, 0, 'undefined', ''))),
  collection: define('TransformCollection', ['undefined'], 0, (_r, a, k) => param(a, k, 0, 'undefined', '')),
  color: define(
    'TransformColor',
    ['red', 'yellow', 'green', 'blue'],
    0,
    (r, a, k) =>
      color(
        r,
        [0, 1, 2, 3].map((i) => param(a, k, i, ['red', 'yellow', 'green', 'blue'][i], null)),
        k,
      ),
    { varkwargs: true },
  ),
  count: define('TransformCount', [], 0, (r) => {
    const counts: Record<string | symbol, number | boolean> = r instanceof PyBytes ? { [INT_KEYS]: true } : {};
    for (const item of iterate(r) ?? []) counts[pyStr(item)] = ((counts[pyStr(item)] as number | undefined) ?? 0) + 1;
    return counts;
  }),
  date: define('TransformDate', ['format', 'unit', 'undefined', 'tz', 'tz_default'], 0, (r, a, k) =>
    transformDate(
      refuseBytes(r),
      param(a, k, 0, 'format', null),
      param(a, k, 1, 'unit', 1),
      param(a, k, 2, 'undefined', ''),
      param(a, k, 3, 'tz', null),
      param(a, k, 4, 'tz_default', null),
    ),
  ),
  decode: define('TransformDecode', ['encoding', 'undefined'], 1, (r, a, k) =>
    decode(r, param(a, k, 0, 'encoding', null), param(a, k, 1, 'undefined', '')),
  ),
  duration: define('TransformDuration', ['start', 'end', 'parts', 'precision', 'calendar', 'unit', 'undefined'], 0, (r, a, k) =>
    transformDuration(
      r,
      param(a, k, 0, 'start', ''),
      param(a, k, 1, 'end', ''),
      param(a, k, 2, 'parts', 3),
      param(a, k, 3, 'precision', 3),
      param(a, k, 4, 'calendar', true),
      param(a, k, 5, 'unit', 1),
      param(a, k, 6, 'undefined', ''),
    ),
  ),
  encode: define('TransformEncode', ['encoding', 'undefined'], 1, (r, a, k) =>
    encode(r, param(a, k, 0, 'encoding', null), param(a, k, 1, 'undefined', '')),
  ),
  // gcloud looks the value up in the command's enum tables; no ai-platform command has any.
  enum: define('TransformEnum', ['projection', 'enums', 'inverse', 'undefined'], 2, (_r, a, k) => param(a, k, 3, 'undefined', ''), {
    projection: true,
  }),
  error: define('TransformError', ['message'], 0, (r, a, k) => {
    const message = param(a, k, 0, 'message', null);
    throw new FormatError(message === null ? pyStr(r) : String(message));
  }),
  extract: define('TransformExtract', [], 0, (r, a) => a.map((key) => keyValue(r, key)).filter(pyTruthy), { varargs: true }),
  fatal: define('TransformFatal', ['message'], 0, (r, a, k) => {
    const message = param(a, k, 0, 'message', null);
    throw new TransformCrash('InternalError', message === null ? pyStr(r) : String(message));
  }),
  firstof: define(
    'TransformFirstOf',
    [],
    0,
    (r, a) => {
      for (const key of a) {
        const value = keyValue(r, key);
        if (value !== null && value !== undefined) return value;
      }
      return '';
    },
    { varargs: true },
  ),
  flatten: define('TransformFlatten', ['show', 'undefined', 'separator'], 0, (r, a, k) =>
    flattenValue(r, String(param(a, k, 0, 'show', '')), param(a, k, 1, 'undefined', ''), String(param(a, k, 2, 'separator', ','))),
  ),
  float: define('TransformFloat', ['precision', 'spec', 'undefined'], 0, (r, a, k) =>
    formatFloat(r, param(a, k, 0, 'precision', 6), param(a, k, 1, 'spec', null), param(a, k, 2, 'undefined', '')),
  ),
  group: define('TransformGroup', [], 0, (r, a) => group(r, a), { varargs: true }),
  // Taken apart by the parser (a condition on the command's flags); never called.
  if: define('TransformIf', ['expr'], 1, (r) => r),
  iso: define('TransformIso', ['undefined'], 0, (r, a, k) =>
    transformDate(refuseBytes(r), '%Y-%m-%dT%H:%M:%S.%3f%Oz', 1, param(a, k, 0, 'undefined', 'T'), null, null),
  ),
  join: define('TransformJoin', ['sep', 'undefined'], 0, (r, a, k) => {
    const undefinedValue = param(a, k, 1, 'undefined', '');
    const items = iterate(r);
    if (!items) return undefinedValue;
    return items.map(pyStr).join(String(param(a, k, 0, 'sep', '/'))) || undefinedValue;
  }),
  len: define('TransformLen', [], 0, (r) => pyLength(r)),
  list: define('TransformList', ['show', 'undefined', 'separator'], 0, (r, a, k) =>
    listValue(r, String(param(a, k, 0, 'show', '')), param(a, k, 1, 'undefined', ''), String(param(a, k, 2, 'separator', ','))),
  ),
  lower: define('TransformLower', [], 0, (r) => (typeof r === 'string' && r ? r.toLowerCase() : r)),
  map: define('TransformMap', ['depth'], 0, (r) => r),
  notnull: define('TransformNotNull', [], 0, (r) => (iterate(r) ?? []).filter((x) => x !== null && x !== undefined)),
  regex: define('TransformRegex', ['expression', 'does_match', 'nomatch'], 1, (r, a, k) =>
    regexValue(r, param(a, k, 0, 'expression', null), param(a, k, 1, 'does_match', null), param(a, k, 2, 'nomatch', '')),
  ),
  resolution: define('TransformResolution', ['undefined', 'transpose'], 0, (r, a, k) =>
    resolution(r, param(a, k, 0, 'undefined', ''), param(a, k, 1, 'transpose', false)),
  ),
  scope: define('TransformScope', [], 0, (r, a) => scope(r, a.map(String)), { varargs: true }),
  segment: define('TransformSegment', ['index', 'undefined'], 0, (r, a, k) => {
    const undefinedValue = param(a, k, 1, 'undefined', '');
    if (!pyTruthy(r)) return undefinedValue;
    const segments = pyUnquote(pyStr(r)).split('/');
    const index = pyIntArg(param(a, k, 0, 'index', -1));
    const i = index < 0 ? index + segments.length : index;
    return i >= 0 && i < segments.length && segments[i] ? segments[i] : undefinedValue;
  }),
  size: define('TransformSize', ['zero', 'precision', 'units_in', 'units_out', 'min'], 0, (r, a, k) =>
    size(
      r,
      param(a, k, 0, 'zero', '0'),
      param(a, k, 1, 'precision', 1),
      param(a, k, 2, 'units_in', null),
      param(a, k, 3, 'units_out', null),
      param(a, k, 4, 'min', 0),
    ),
  ),
  slice: define('TransformSlice', ['op', 'undefined'], 0, (r, a, k) =>
    sliceValue(r, param(a, k, 0, 'op', ':'), param(a, k, 1, 'undefined', '')),
  ),
  sort: define('TransformSort', ['attr'], 0, (r, a, k) => {
    if (!pyTruthy(r)) return [];
    const attr = String(param(a, k, 0, 'attr', ''));
    const sortKey = (item: unknown): unknown => (attr ? keyValue(item, attr) : item);
    return [...(iterate(r) ?? [])].sort((x, y) => comparePy(sortKey(x), sortKey(y)));
  }),
  split: define('TransformSplit', ['sep', 'undefined'], 0, (r, a, k) => {
    const undefinedValue = param(a, k, 1, 'undefined', '');
    const separator = String(param(a, k, 0, 'sep', '/'));
    if (!pyTruthy(r) || typeof r !== 'string' || !separator) return undefinedValue;
    return r.split(separator);
  }),
  sub: define('TransformSub', ['pattern', 'replacement', 'count', 'ignorecase'], 2, (r, a, k) =>
    substitute(
      r,
      param(a, k, 0, 'pattern', ''),
      param(a, k, 1, 'replacement', ''),
      param(a, k, 2, 'count', 0),
      param(a, k, 3, 'ignorecase', true),
    ),
  ),
  // Replaced by the parser with the schema its arguments spell; never called as such.
  synthesize: define('TransformSynthesize', [], 0, (r) => r, { varargs: true }),
  trailoff: define('TransformTrailOff', ['character_limit', 'undefined'], 1, (r, a, k) =>
    trailOff(r, param(a, k, 0, 'character_limit', ''), param(a, k, 1, 'undefined', '')),
  ),
  upper: define('TransformUpper', [], 0, (r) => (typeof r === 'string' && r ? r.toUpperCase() : r)),
  uri: define('TransformUri', ['undefined'], 0, (r, a, k) => uri(r, param(a, k, 0, 'undefined', '.'))),
  yesno: define('TransformYesNo', ['yes', 'no'], 0, (r, a, k) => {
    const yes = param(a, k, 0, 'yes', null);
    return pyTruthy(r) ? (yes === null ? r : yes) : param(a, k, 1, 'no', 'No');
  }),
};

/**
 * The uri() of a command whose resources have URIs (gcloud's display layer replaces the builtin with the
 * command's own: a resource's URI, else `undefined`, which defaults to None).
 */
export function uriTransform(uriOf: (resource: unknown) => string | undefined): TransformDefinition {
  return define(
    'DisplayInfo.AddUriFunc.<locals>._TransformUri',
    ['undefined'],
    0,
    (r, a, k) => uriOf(r) || param(a, k, 0, 'undefined', null),
  );
}

/** The builtin transforms but format() and filter(), which need the projection parser and the filter (see builtins.ts). */
export function basicTransforms(): TransformRegistry {
  return new Map(Object.entries(TRANSFORMS));
}
