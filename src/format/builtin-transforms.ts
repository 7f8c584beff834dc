/**
 * The subset of gcloud's builtin projection transforms that gcloud-aip
 * implements (e.g. `name.basename()`, `labels.list()`, `done.yesno()`).
 * Each follows gcloud's argument conventions: args arrive as strings,
 * `name=value` args are keyword args, and bad input yields `undefined=`
 * rather than an error.
 */
import { transformDate } from './date-transform';
import { parseKey } from './lexer';
import { comparePyStrings, isObject, pyFormatFixed, pyFormatGeneral, pyLen, pyStr, pyTruthy, sortedKeys } from './python';
import { getKey } from './resource';
import { iterate, type TransformArgs, type TransformDefinition, type TransformKwargs, type TransformRegistry } from './transform';

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

/** Python float(r) for a transform input, or undefined when it would raise. */
function toFloat(r: unknown): number | undefined {
  if (typeof r === 'number') return r;
  if (typeof r === 'boolean') return r ? 1 : 0;
  if (typeof r === 'string' && r.trim() !== '') {
    const n = Number(r.trim().replace(/_/g, ''));
    if (!Number.isNaN(n)) return n;
    if (/^\s*[+-]?(inf|infinity)\s*$/i.test(r)) return r.includes('-') ? -Infinity : Infinity;
    if (/^\s*[+-]?nan\s*$/i.test(r)) return NaN;
  }
  return undefined;
}

/** gcloud's float formatting: 6 significant digits, no exponent below 1e9. */
export function formatFloat(r: unknown, precision: unknown = 6, spec: unknown = null, undefinedValue: unknown = ''): unknown {
  const number = toFloat(r);
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
  const items = typeof r === 'string' ? Array.from(r) : Array.isArray(r) ? r : undefined;
  if (!items) return undefinedValue;
  const [start, end, step = null] = ops;
  const result = pySlice(items, start, end, step ?? 1);
  return result && result.length ? result : undefinedValue;
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

type Apply = TransformDefinition['apply'];

function define(keywordArgs: boolean, apply: Apply): TransformDefinition {
  return { keywordArgs, apply };
}

const TRANSFORMS: Record<string, TransformDefinition> = {
  always: define(false, (r) => r),
  map: define(true, (r) => r),
  basename: define(true, (r, a, k) => basename(r, param(a, k, 0, 'undefined', ''))),
  collection: define(true, (_r, a, k) => param(a, k, 0, 'undefined', '')),
  count: define(false, (r) => {
    const counts: Record<string, number> = {};
    for (const item of iterate(r) ?? []) counts[pyStr(item)] = (counts[pyStr(item)] ?? 0) + 1;
    return counts;
  }),
  date: define(true, (r, a, k) =>
    transformDate(
      r,
      param(a, k, 0, 'format', null),
      param(a, k, 1, 'unit', 1),
      param(a, k, 2, 'undefined', ''),
      param(a, k, 3, 'tz', null),
      param(a, k, 4, 'tz_default', null),
    ),
  ),
  extract: define(false, (r, a) => a.map((key) => keyValue(r, key)).filter(pyTruthy)),
  firstof: define(false, (r, a) => {
    for (const key of a) {
      const value = keyValue(r, key);
      if (value !== null && value !== undefined) return value;
    }
    return '';
  }),
  flatten: define(true, (r, a, k) =>
    flattenValue(r, String(param(a, k, 0, 'show', '')), param(a, k, 1, 'undefined', ''), String(param(a, k, 2, 'separator', ','))),
  ),
  float: define(true, (r, a, k) =>
    formatFloat(r, param(a, k, 0, 'precision', 6), param(a, k, 1, 'spec', null), param(a, k, 2, 'undefined', '')),
  ),
  group: define(false, (r, a) => group(r, a)),
  join: define(true, (r, a, k) => {
    const undefinedValue = param(a, k, 1, 'undefined', '');
    const items = iterate(r);
    if (!items) return undefinedValue;
    return items.map(pyStr).join(String(param(a, k, 0, 'sep', '/'))) || undefinedValue;
  }),
  len: define(false, (r) => pyLength(r)),
  list: define(true, (r, a, k) =>
    listValue(r, String(param(a, k, 0, 'show', '')), param(a, k, 1, 'undefined', ''), String(param(a, k, 2, 'separator', ','))),
  ),
  lower: define(false, (r) => (typeof r === 'string' && r ? r.toLowerCase() : r)),
  notnull: define(false, (r) => (iterate(r) ?? []).filter((x) => x !== null && x !== undefined)),
  segment: define(true, (r, a, k) => {
    const undefinedValue = param(a, k, 1, 'undefined', '');
    if (!pyTruthy(r)) return undefinedValue;
    let text = pyStr(r);
    try {
      text = decodeURIComponent(text);
    } catch {
      // Leave malformed escapes as they are.
    }
    const segments = text.split('/');
    const index = parseInt(String(param(a, k, 0, 'index', -1)), 10);
    const i = index < 0 ? index + segments.length : index;
    return i >= 0 && i < segments.length && segments[i] ? segments[i] : undefinedValue;
  }),
  slice: define(true, (r, a, k) => sliceValue(r, param(a, k, 0, 'op', ':'), param(a, k, 1, 'undefined', ''))),
  sort: define(true, (r, a, k) => {
    if (!pyTruthy(r)) return [];
    const attr = String(param(a, k, 0, 'attr', ''));
    const sortKey = (item: unknown): unknown => (attr ? keyValue(item, attr) : item);
    return [...(iterate(r) ?? [])].sort((x, y) => comparePy(sortKey(x), sortKey(y)));
  }),
  split: define(true, (r, a, k) => {
    const undefinedValue = param(a, k, 1, 'undefined', '');
    const separator = String(param(a, k, 0, 'sep', '/'));
    if (!pyTruthy(r) || typeof r !== 'string' || !separator) return undefinedValue;
    return r.split(separator);
  }),
  trailoff: define(true, (r, a, k) => {
    const undefinedValue = param(a, k, 1, 'undefined', '');
    const limit = parseInt(String(param(a, k, 0, 'character_limit', '')), 10);
    if (Number.isNaN(limit) || limit <= 3) return undefinedValue;
    if (typeof r !== 'string' && !Array.isArray(r)) return undefinedValue;
    const items = typeof r === 'string' ? Array.from(r) : r;
    if (items.length < limit) return r;
    return typeof r === 'string' ? items.slice(0, limit - 3).join('') + '...' : undefinedValue;
  }),
  upper: define(false, (r) => (typeof r === 'string' && r ? r.toUpperCase() : r)),
  uri: define(true, (r, a, k) => uri(r, param(a, k, 0, 'undefined', '.'))),
  yesno: define(true, (r, a, k) => {
    const yes = param(a, k, 0, 'yes', null);
    return pyTruthy(r) ? (yes === null ? r : yes) : param(a, k, 1, 'no', 'No');
  }),
};

export function builtinTransforms(): TransformRegistry {
  return new Map(Object.entries(TRANSFORMS));
}
