// How gcloud prints the result of a list command: its flags (--filter, --limit, --page-size,
// --sort-by, --uri), applied in gcloud's order — flatten, filter, sort, limit, page, URI — then the
// command's table (or --format), and "Listed 0 items." on stderr when the default format printed
// nothing.
import { argList, boundedInt, scalarToString, type RawValue } from '../flags/arg-types';
import { flag, type FlagSpec } from '../flags/spec';
import { applyDisplayOptions, applyFilter, builtinTransforms, compileFilter, composeFormat, FormatError, parseProjection, renderFormat } from '../format';
import { UserError } from '../errors';
import type { CommandContext, CommandOptions } from '../cli/command';
import type { LIST_FLAGS } from './flags';

/** What a list command's handler has of the list flags (and the gcloud-wide --format, --flatten). */
export type ListOptions = CommandOptions<typeof LIST_FLAGS>;

/**
 * Prints `items` as gcloud's display layer would for a list command whose default format is
 * `defaultFormat`. `uriOf` gives an item's URI for --uri; items without one are left out.
 */
export async function printList(
  load: () => Promise<unknown[]>,
  options: ListOptions,
  ctx: CommandContext,
  defaultFormat: string,
  uriOf: (item: unknown) => string | undefined = () => undefined,
): Promise<void> {
  // Like gcloud, a bad --filter is refused before anything is fetched.
  if (options.filter !== undefined) formatErrorsAsUserErrors(() => compileFilter(options.filter!));
  const items = await load();
  const serializer = parseProjection('', builtinTransforms());
  let records = options.flatten?.length
    ? (formatErrorsAsUserErrors(() => applyDisplayOptions(items, true, { flatten: options.flatten }, serializer)).resources as unknown[])
    : items;
  if (options.filter !== undefined) records = applyFilter(records, options.filter, (message) => ctx.output.warning(message));
  records = formatErrorsAsUserErrors(() => applyDisplayOptions(records, true, { sortBy: options.sortBy, limit: options.limit }, serializer)).resources as unknown[];
  if (options.uri) records = records.map(uriOf).filter((u): u is string => Boolean(u));

  // With --uri and no --format, gcloud prints the URIs one per line.
  const format = options.format ?? (options.uri ? 'value(.)' : defaultFormat);
  const composeWith = options.format && !options.uri ? defaultFormat : undefined;
  const isTable = parseProjection(composeFormat(format, composeWith), builtinTransforms()).getName() === 'table';
  const pages = isTable && options.pageSize && options.pageSize > 0 ? chunk(records, options.pageSize) : [records];
  // A table printer ends each page with its own table and a blank line.
  const text = pages.map((page) => renderFormat(page, format, { defaultFormat: composeWith, isList: true })).join('\n');
  ctx.output.result(text);
  if (options.format === undefined && records.length === 0) ctx.output.status('Listed 0 items.');
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
