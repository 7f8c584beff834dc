/**
 * What gcloud's command display layer does around the printer: combine the
 * command's default format with --format, add --sort-by orderings to it, and
 * apply --flatten, --sort-by and --limit to the resources (in that order).
 */
import { flattenResources } from './flatten';
import { keyName, parseKey } from './lexer';
import { messageKeyText, type MessageType } from './message';
import { comparePyStrings, pyStr } from './python';
import { getKey } from './resource';
import type { Key, ProjectionSpec } from './spec';

export interface DisplayOptions {
  /** --flatten keys, applied left to right. */
  flatten?: string[];
  /** --sort-by keys; a leading `~` sorts that key in descending order. */
  sortBy?: string[];
  /** --limit: print at most this many resources (negative: no limit). */
  limit?: number;
  /** The API message the resources decode to: --sort-by resolves its keys on the message, as gcloud does. */
  messageType?: MessageType;
}

interface SortKey {
  key: Key;
  reverse: boolean;
}

function parseSortBy(sortBy: string[]): SortKey[] {
  return sortBy.map((name) => {
    const reverse = name.startsWith('~');
    // A slice sorts by the first list item.
    const key = parseKey(name.replace(/^~+/, '').replace(/\[\]/g, '[0]'));
    return { key, reverse };
  });
}

/**
 * The effective format: the explicit --format appended to the command's default
 * (so it can use the default's labels and aliases), plus `:(key:sort=N)`
 * attributes for --sort-by, which table-like printers use to order rows.
 */
export function composeFormat(format: string, defaultFormat = '', sortBy: string[] = []): string {
  let composed = format && defaultFormat ? `${defaultFormat} ${format}` : format || defaultFormat;
  if (!composed || !sortBy.length) return composed;
  const orders = parseSortBy(sortBy).map(({ key, reverse }, i) => `${keyName(key)}:sort=${i + 1}${reverse ? ':reverse' : ''}`);
  composed += `:(${orders.join(',')})`;
  return composed;
}

/** Sorts by each key's Python str() value (looked up on the message, if any), keys grouped by direction as gcloud does. */
function sortResources(resources: unknown[], sortBy: string[], message?: MessageType): unknown[] {
  const text = (resource: unknown, key: Key): string =>
    message ? messageKeyText(message, resource, key) : pyStr(getKey(resource, key, null));
  const groups: SortKey[][] = [];
  for (const sortKey of parseSortBy(sortBy)) {
    const group = groups[0];
    if (group && group[0].reverse === sortKey.reverse) group.push(sortKey);
    else groups.unshift([sortKey]);
  }
  let sorted = resources;
  for (const group of groups) {
    const reverse = group[0].reverse;
    const decorated = sorted.map((resource) => ({
      resource,
      values: group.map(({ key }) => text(resource, key)),
    }));
    decorated.sort((a, b) => {
      for (let i = 0; i < a.values.length; i++) {
        const order = comparePyStrings(a.values[i], b.values[i]);
        if (order) return reverse ? -order : order;
      }
      return 0;
    });
    sorted = decorated.map((d) => d.resource);
  }
  return sorted;
}

export interface DisplayedResources {
  resources: unknown;
  /** Whether the printer sees a list (flatten and limit always produce one). */
  isList: boolean;
}

/** Applies --flatten, --sort-by and --limit to the command's result. */
export function applyDisplayOptions(
  resources: unknown,
  isList: boolean,
  options: DisplayOptions,
  serializer: ProjectionSpec,
): DisplayedResources {
  const hasLimit = options.limit !== undefined && options.limit >= 0;
  let listLike = isList && Array.isArray(resources);
  let items: unknown = resources;
  if (options.flatten?.length || hasLimit) {
    // Like gcloud's resource taps: a single resource becomes a one-item list, none becomes empty.
    const list = listLike ? (resources as unknown[]) : resources === null || resources === undefined ? [] : [resources];
    items = options.flatten?.length ? flattenResources(list, options.flatten, serializer) : list;
    listLike = true;
  }
  // Flattened records are JSON (gcloud's flatten tap serializes the messages); others are messages.
  if (listLike && options.sortBy?.length) {
    items = sortResources(items as unknown[], options.sortBy, options.flatten?.length ? undefined : options.messageType);
  }
  if (listLike && hasLimit) items = (items as unknown[]).slice(0, options.limit);
  return { resources: items, isList: listLike };
}

/**
 * The flags as if() conditions see them: gcloud's parsed-args namespace, each flag under its
 * snake_case destination (`page_size`, `sort_by`), unset ones absent.
 */
export function flagConditionals(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([dest, value]) => [dest.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), value]));
}
