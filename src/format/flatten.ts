/**
 * `--flatten=KEY`: turns each resource into one record per item of the list
 * at KEY (each record has KEY set to that item). gcloud's quirks are kept:
 * records are serialized copies (null-valued keys dropped), an empty list
 * drops the resource, and a KEY that is not a list replaces the resource by
 * the value at KEY. `a[].b` flattens `a` first, then `b` in each result.
 */
import { parseKey } from './lexer';
import { serialize } from './projector';
import { isObject } from './python';
import { getKey } from './resource';
import type { Key, ProjectionSpec } from './spec';

/** The flatten taps for one --flatten key: one per `[]` slice, plus the whole key. */
function flattenTaps(flattenKey: string): Key[] {
  const taps: Key[] = [];
  const prefix: Key = [];
  let sliced = false;
  for (const part of parseKey(flattenKey)) {
    if (part === null) {
      sliced = true;
      taps.push([...prefix]);
    } else {
      sliced = false;
      prefix.push(part);
    }
  }
  if (!sliced) taps.push([...prefix]);
  return taps;
}

function setChild(parent: unknown, child: Key[number], item: unknown): void {
  if (isObject(parent) && typeof child === 'string') {
    parent[child] = item;
  } else if (Array.isArray(parent) && typeof child === 'number' && child >= -parent.length && child < parent.length) {
    parent[child < 0 ? child + parent.length : child] = item;
  }
}

function flattenOne(resource: unknown, key: Key, serializer: ProjectionSpec): unknown[] {
  const copy = serialize(resource, serializer);
  const items = getKey(copy, key, null);
  if (!Array.isArray(items)) return [items];
  const parentKey = key.slice(0, -1);
  const child = key.length ? key[key.length - 1] : null;
  return items.map((item) => {
    const parent = parentKey.length ? getKey(copy, parentKey, null) : copy;
    setChild(parent, child, item);
    return serialize(copy, serializer);
  });
}

/** Applies the --flatten keys, left to right, to the list of resources. */
export function flattenResources(resources: unknown[], keys: string[], serializer: ProjectionSpec): unknown[] {
  let records = resources;
  for (const flattenKey of keys) {
    for (const tap of flattenTaps(flattenKey)) {
      records = records.flatMap((resource) => flattenOne(resource, tap, serializer));
    }
  }
  return records;
}
