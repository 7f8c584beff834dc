// How gcloud prints the result of a list command: its flags (--filter, --limit, --page-size,
// --sort-by, --uri), applied in gcloud's order — flatten, filter, sort, limit, page, URI — to a list
// fetched page by page only as far as they need, then the
// command's table (or --format), and "Listed 0 items." on stderr when the default format printed
// nothing.
import { argList, boundedInt, scalarToString, type RawValue } from '../flags/arg-types';
import { flag, type FlagSpec } from '../flags/spec';
import { builtinTransforms } from '../output/builtin-transforms';
import { applyDisplayOptions, composeFormat } from '../output/display';
import { FilterTap } from '../output/filter';
import { renderFormat, FormatError } from '../output/format';
import { parseProjection } from '../output/parser';
import { UserError } from '../errors';
import type { CommandContext } from './registry';

/** BoundedInt(1, …, unlimited=True): `unlimited` means no bound (-1 here). */
function countOrUnlimited(raw: RawValue): number {
  const text = scalarToString(raw);
  if (text.toLowerCase() === 'unlimited') return -1;
  return boundedInt(1)(text);
}

/** gcloud's help shows these under their own LIST COMMAND FLAGS heading. */
const LIST_CATEGORY = 'LIST COMMAND';

export const LIST_FLAGS: FlagSpec[] = [
  flag({ name: '--filter', kind: 'value', metavar: 'EXPRESSION', category: LIST_CATEGORY,
    help: 'Apply a Boolean filter _EXPRESSION_ to each resource item to be listed. If the expression evaluates `True`, then that item is listed. For more details and examples of filter expressions, run $ gcloud topic filters. This flag interacts with other flags that are applied in this order: *--flatten*, *--sort-by*, *--filter*, *--limit*.' }),
  flag({ name: '--limit', kind: 'value', metavar: 'LIMIT', category: LIST_CATEGORY, parse: countOrUnlimited,
    help: 'Maximum number of resources to list. The default is *unlimited*. This flag interacts with other flags that are applied in this order: *--flatten*, *--sort-by*, *--filter*, *--limit*.' }),
  flag({ name: '--page-size', kind: 'value', metavar: 'PAGE_SIZE', category: LIST_CATEGORY, parse: countOrUnlimited,
    help: 'Some services group resource list output into pages. This flag specifies the maximum number of resources per page. The default is determined by the service if it supports paging, otherwise it is *unlimited* (no paging). Paging may be applied before or after *--filter* and *--limit* depending on the service.' }),
  flag({ name: '--sort-by', kind: 'value', metavar: '[FIELD,...]', category: LIST_CATEGORY, repeat: 'last-wins', parse: (raw) => argList(raw),
    help: "Comma-separated list of resource field key names to sort by. The default order is ascending. Prefix a field with ``~'' for descending order on that field. This flag interacts with other flags that are applied in this order: *--flatten*, *--sort-by*, *--filter*, *--limit*." }),
  flag({ name: '--uri', kind: 'bool', category: LIST_CATEGORY,
    help: 'Print a list of resource URIs instead of the default output, and change the command output to a list of URIs. If this flag is used with *--format*, the formatting is applied on this URI list. To display URIs alongside other keys instead, use the *uri()* transform.' }),
];

export interface ListOptions {
  format?: string;
  flatten?: string[];
  filter?: string;
  limit?: number;
  pageSize?: number;
  sortBy?: string[];
  uri?: boolean;
}

/**
 * Prints the listed items as gcloud's display layer would for a list command whose default format is
 * `defaultFormat`. `uriOf` gives an item's URI for --uri; items without one are left out.
 */
export async function printList(
  load: () => AsyncIterable<unknown>,
  options: ListOptions,
  ctx: CommandContext,
  defaultFormat: string,
  uriOf: (item: unknown) => string | undefined = () => undefined,
): Promise<void> {
  const serializer = parseProjection('', builtinTransforms());
  if (!ctx.properties.getBool('core/user_output_enabled', true)) {
    // gcloud's display layer is off: it drains the list without formatting or filtering it.
    await pull(load(), {}, undefined, serializer);
    return;
  }
  // With --uri and no --format, gcloud prints the URIs one per line.
  const format = options.format ?? (options.uri ? 'value(.)' : defaultFormat);
  const composeWith = options.format && !options.uri ? defaultFormat : undefined;
  // gcloud's display layer starts after the command's "Using endpoint" line, before the first page:
  // the printer (a bad --format), then the filter (a bad --filter), then the first page.
  formatErrorsAsUserErrors(() => renderFormat([], format, { defaultFormat: composeWith, isList: true }));
  const filter = options.filter === undefined ? undefined : formatErrorsAsUserErrors(() => new FilterTap(options.filter!, (message) => ctx.output.warning(message)));
  let records = await pull(load(), options, filter, serializer);
  records = formatErrorsAsUserErrors(() => applyDisplayOptions(records, true, { sortBy: options.sortBy, limit: options.limit }, serializer)).resources as unknown[];
  if (options.uri) records = records.map(uriOf).filter((u): u is string => Boolean(u));

  const isTable = parseProjection(composeFormat(format, composeWith), builtinTransforms()).getName() === 'table';
  const pages = isTable && options.pageSize && options.pageSize > 0 ? chunk(records, options.pageSize) : [records];
  // A table printer ends each page with its own table and a blank line.
  const text = formatErrorsAsUserErrors(() => pages.map((page) => renderFormat(page, format, { defaultFormat: composeWith, isList: true })).join('\n'));
  ctx.output.result(text);
  if (options.format === undefined && records.length === 0) ctx.output.status('Listed 0 items.');
}

/**
 * The records gcloud's display taps let through — flatten, then filter — pulled from the lazily
 * paged list one at a time. With --limit N (and no --sort-by, which needs every record) gcloud's
 * limit tap stops at the record after the N-th, so no page beyond the one holding it is fetched.
 */
async function pull(items: AsyncIterable<unknown>, options: ListOptions, filter: FilterTap | undefined, serializer: ReturnType<typeof parseProjection>): Promise<unknown[]> {
  const stopAfter = options.limit !== undefined && options.limit >= 0 && !options.sortBy?.length ? options.limit + 1 : Infinity;
  const records: unknown[] = [];
  for await (const item of items) {
    const flattened = options.flatten?.length
      ? (formatErrorsAsUserErrors(() => applyDisplayOptions([item], true, { flatten: options.flatten }, serializer)).resources as unknown[])
      : [item];
    for (const record of flattened) {
      if (filter && !filter.matches(record)) continue;
      records.push(record);
      if (records.length >= stopAfter) return records;
    }
  }
  filter?.done();
  return records;
}

function chunk<T>(items: T[], size: number): T[][] {
  const pages: T[][] = [];
  for (let i = 0; i < items.length; i += size) pages.push(items.slice(i, i + size));
  return pages.length ? pages : [[]];
}

function formatErrorsAsUserErrors<T>(check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof FormatError) throw new UserError(err.message);
    throw err;
  }
}
