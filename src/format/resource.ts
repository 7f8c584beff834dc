/**
 * Key lookup in a resource, with gcloud's leniency: missing keys give the
 * default instead of failing, camelCase/snake_case spellings both match, a
 * name applied to a list of dicts slices implicitly, and `items` metadata
 * lists ([{key, value}, ...]) can be addressed by key name.
 */
import { isObject, pyTitle, pyTruthy, type JsonObject } from './python';
import type { Key, KeyPart } from './spec';

const SNAKE_RE = /((?<=[a-z0-9])[A-Z]+(?=[A-Z][a-z]|$)|(?!^)[A-Z](?=[a-z]))/g;

export function toCamelCase(name: string): string {
  const [first, ...rest] = name.split('_');
  return first + rest.map(pyTitle).join('');
}

export function toSnakeCase(name: string): string {
  return name.replace(SNAKE_RE, '_$1').toLowerCase();
}

/** The spelling of `index` (as is, camelCase, snake_case) that satisfies `exists`. */
function matchingIndex(index: KeyPart, exists: (name: KeyPart) => boolean): KeyPart | undefined {
  if (exists(index)) return index;
  if (typeof index !== 'string') return undefined;
  for (const name of [toCamelCase(index), toSnakeCase(index)]) {
    if (exists(name)) return name;
  }
  return undefined;
}

function matchingIndexValue(index: KeyPart, lookup: (name: KeyPart) => unknown): unknown {
  const value = lookup(index);
  if (pyTruthy(value)) return value;
  if (typeof index !== 'string') return null;
  for (const name of [toCamelCase(index), toSnakeCase(index)]) {
    const converted = lookup(name);
    if (pyTruthy(converted)) return converted;
  }
  return null;
}

/** The dict in `items` whose `key` field equals `value`. */
function metaDict(items: unknown, key: string, value: KeyPart): JsonObject | null {
  if (!Array.isArray(items)) return null;
  for (const item of items) {
    if (!isObject(item)) return null;
    const field = Object.hasOwn(item, key) ? item[key] : null;
    if (field === value) return item;
  }
  return null;
}

/** The `value` of the {key: name, value: ...} entry in a metadata list. */
function metaDataValue(items: unknown, name: KeyPart, deserialize = false): unknown {
  const item = metaDict(items, 'key', name);
  if (item === null) return null;
  const value = 'value' in item ? item.value : null;
  if (deserialize && typeof value === 'string') {
    try {
      return JSON.parse(value);
    } catch {
      // Not JSON: use the string.
    }
  }
  return value;
}

function isInRange(index: number, length: number): boolean {
  return Number.isInteger(index) && index >= -length && index < length;
}

function at<T>(list: ArrayLike<T>, index: number): T {
  return list[index < 0 ? index + list.length : index];
}

/** Gets the value at `key` in `resource`, or `fallback` when absent. */
export function getKey(resource: unknown, key: Key, fallback: unknown = null): unknown {
  const rest = [...key];
  let current = resource;
  while (rest.length) {
    const index = rest.shift()!;
    if (current === null || current === undefined) return fallback;

    if (isObject(current)) {
      const dict = current;
      if (index === null) {
        if (rest.length) return Object.keys(dict).map((k) => getKey(dict, [k, ...rest], fallback));
        return dict;
      }
      const name = matchingIndex(index, (x) => typeof x === 'string' && Object.hasOwn(dict, x));
      if (name !== undefined) {
        current = dict[name as string];
        continue;
      }
      if (Object.hasOwn(dict, 'items')) {
        const deserialize = rest.length > 0;
        current = matchingIndexValue(index, (x) => metaDataValue(dict.items, x, deserialize));
        continue;
      }
      return fallback;
    }

    if (Array.isArray(current) || typeof current === 'string') {
      const list = current;
      if (index === null) {
        if (rest.length) {
          return Array.from({ length: sequenceLength(list) }, (_, i) => getKey(list, [i, ...rest], fallback));
        }
        return list;
      }
      if (typeof index !== 'number') {
        if (Array.isArray(list)) return getByNameInList(list, index, rest, fallback);
        return fallback;
      }
      const items = typeof list === 'string' ? Array.from(list) : list;
      if (isInRange(index, items.length)) {
        current = at(items, index);
        continue;
      }
    }
    return fallback;
  }
  return current;
}

function sequenceLength(value: unknown[] | string): number {
  return typeof value === 'string' ? Array.from(value).length : value.length;
}

/** A name applied to a list: metadata lookup, or an implicit slice over its dicts. */
function getByNameInList(list: unknown[], index: string, rest: KeyPart[], fallback: unknown): unknown {
  if (!list.length || !isObject(list[0])) return fallback;
  if (rest.length) {
    const dict = metaDict(list, index, rest[0]);
    if (dict !== null) return getKey(dict, rest.slice(1), fallback);
  } else {
    const value = metaDataValue(list, index);
    if (value !== null && value !== undefined) return value;
  }
  if (Object.hasOwn(list[0], index)) {
    return list.map((_, i) => getKey(list, [i, index, ...rest], fallback));
  }
  const values = list.map((d) => (isObject(d) ? d[index] : undefined)).filter(pyTruthy);
  return values.length ? values : fallback;
}
