// gcloud's display layer for a list command: its flags (--filter, --limit, --page-size, --sort-by,
// --uri, and the gcloud-wide --format and --flatten) applied in gcloud's order — flatten, filter,
// sort, limit, page, URI — to a list fetched page by page only as far as they need, then the
// command's table (or --format), and "Listed 0 items." on stderr when the default format printed
// nothing.
import { builtinTransforms } from './builtins';
import { applyDisplayOptions, composeFormat, flagConditionals } from './display';
import { printedBeforeError } from './errors';
import { FilterTap } from './filter';
import { renderFormat } from './format';
import { parseProjection } from './parser';
import type { MessageType } from './message';
import type { ProjectionSpec } from './spec';

/** A list command's flag values by dest: the display flags, and the others (which `key.if(flag)` tests). */
export type ListOptions = Record<string, unknown> & {
  format?: string;
  flatten?: string[];
  filter?: string;
  sortBy?: string[];
  limit?: number;
  pageSize?: number;
  uri?: boolean;
};

/** Where a list is printed: the records on stdout; the "Listed 0 items." status and filter warnings on stderr. */
export interface ListOutput {
  result(text: string): void;
  status(text: string): void;
  warning(text: string): void;
}

export interface ListCommand {
  /** The command's default format (its table). */
  defaultFormat: string;
  /** An item's URI, for --uri (items without one are left out). */
  uriOf?: (item: unknown) => string | undefined;
  /** The API message an item decodes to (what --sort-by and the object format see). */
  messageType?: MessageType;
  output: ListOutput;
}

/**
 * Prints the listed items as gcloud's display layer would for `command`. Throws FormatError for a
 * bad --format, --filter, --flatten or --sort-by (once what gcloud prints before it is printed), and
 * a page's error once the records before it are printed.
 */
export async function printList(load: () => AsyncIterable<unknown>, options: ListOptions, command: ListCommand): Promise<void> {
  const { defaultFormat, uriOf, output, messageType } = command;
  const serializer = parseProjection('', builtinTransforms());
  const conditionals = flagConditionals(options);
  // With --uri and no --format, gcloud prints the URIs one per line.
  const format = options.format ?? (options.uri ? 'value(.)' : defaultFormat);
  const composeWith = options.format && !options.uri ? defaultFormat : undefined;
  // gcloud's display layer starts after the command's "Using endpoint" line, before the first page:
  // the printer (a bad --format), then the filter (a bad --filter), then the first page.
  renderFormat([], format, { defaultFormat: composeWith, sortBy: options.sortBy, isList: true, uriOf, conditionals });
  const filter =
    options.filter === undefined ? undefined : new FilterTap(options.filter, (message) => output.warning(message), builtinTransforms());
  // A disabled printer (`disable`, `[disable]`) returns before it reads a record: no page is fetched.
  const printer = parseProjection(composeFormat(format, composeWith, options.sortBy), builtinTransforms(), conditionals);
  if (printer.getName() === 'disable' || printer.attributes.has('disable')) return;
  const pulled = await pull(load(), options, filter, serializer);
  // A page that failed (an HTTP error, an answer that does not decode) ends the list there. gcloud's
  // printer still prints the records it had (resource_printer_base.Print finishes in a finally),
  // unless --sort-by had to read the whole list before printing anything.
  if (pulled.failure !== undefined && options.sortBy?.length) throw pulled.failure;
  let records = applyDisplayOptions(pulled.records, true, { sortBy: options.sortBy, limit: options.limit, messageType }, serializer)
    .resources as unknown[];
  if (options.uri) records = records.map((item) => uriOf?.(item)).filter((u): u is string => Boolean(u));

  const isTable = printer.getName() === 'table';
  const pages = isTable && options.pageSize && options.pageSize > 0 ? chunk(records, options.pageSize) : [records];
  // A table printer ends each page with its own table and a blank line.
  let text = '';
  try {
    for (const [i, page] of pages.entries()) {
      text += (i ? '\n' : '') + renderFormat(page, format, { defaultFormat: composeWith, isList: true, uriOf, conditionals, messageType });
    }
  } catch (err) {
    // What gcloud printed before the record that failed is printed first.
    output.result(text + printedBeforeError(err));
    throw err;
  }
  output.result(text);
  if (pulled.failure !== undefined) throw pulled.failure;
  if (options.format === undefined && records.length === 0) output.status('Listed 0 items.');
}

/**
 * The records gcloud's display taps let through — flatten, then filter — pulled from the lazily
 * paged list one at a time. With --limit N (and no --sort-by, which needs every record) gcloud's
 * limit tap stops at the record after the N-th, so no page beyond the one holding it is fetched.
 * A page that fails ends the pull: `failure` is its error, `records` what came before.
 */
async function pull(
  items: AsyncIterable<unknown>,
  options: ListOptions,
  filter: FilterTap | undefined,
  serializer: ProjectionSpec,
): Promise<{ records: unknown[]; failure?: unknown }> {
  const stopAfter = options.limit !== undefined && options.limit >= 0 && !options.sortBy?.length ? options.limit + 1 : Infinity;
  const records: unknown[] = [];
  const source = items[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<unknown>;
    try {
      next = await source.next();
    } catch (failure) {
      return { records, failure };
    }
    if (next.done) break;
    const item = next.value;
    const flattened = options.flatten?.length
      ? (applyDisplayOptions([item], true, { flatten: options.flatten }, serializer).resources as unknown[])
      : [item];
    for (const record of flattened) {
      if (filter && !filter.matches(record)) continue;
      records.push(record);
      if (records.length >= stopAfter) {
        await source.return?.();
        return { records };
      }
    }
  }
  filter?.done();
  return { records };
}

function chunk<T>(items: T[], size: number): T[][] {
  const pages: T[][] = [];
  for (let i = 0; i < items.length; i += size) pages.push(items.slice(i, i + size));
  return pages.length ? pages : [[]];
}
