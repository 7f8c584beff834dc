/**
 * gcloud's `--format` / `--flatten` output engine.
 *
 * Supported printers: every one gcloud registers (config, csv, default (= yaml), diff, disable,
 * flattened, get, json, list, multi, none, object, table, text, value, yaml). Projections `name(key, a.b, list[0],
 * key:label=X:sort=1:reverse:align=right:width=N:optional:wrap)`, `:(...)`
 * key-attribute-only projections, printer attributes (`[no-heading]`,
 * `[separator=',']`, `[box]`, ...) and every builtin transform of gcloud's
 * table (`.basename()`, `.date()`, `.size()`, `format()`, ...) follow gcloud's semantics.
 * The display flags --flatten, --sort-by and --limit, and the composition of a
 * command's default format with --format, are applied like gcloud's display
 * layer does.
 */
import { builtinTransforms, commandTransforms } from './builtins';
import { applyDisplayOptions, composeFormat, type DisplayOptions } from './display';
import { FormatError } from './errors';
import { FORMATS_ADVICE } from '../flags/suggest';
import { parseProjection } from './parser';
import { type NestedPrinters, NonePrinter, type ResourcePrinter } from './printer';
import {
  ConfigPrinter,
  CsvPrinter,
  DiffPrinter,
  FlattenedPrinter,
  JsonPrinter,
  ListPrinter,
  MultiPrinter,
  ObjectPrinter,
  ValuePrinter,
  YamlPrinter,
} from './printers';
import { ProjectionSpec } from './spec';
import { TablePrinter } from './table';

export { FormatError, printedBeforeError, TransformCrash } from './errors';

export interface RenderOptions extends DisplayOptions {
  /**
   * The command's default format (e.g. `table(name.basename(), deploymentUri, state)`).
   * Used when `format` is empty; otherwise `format` is appended to it, as gcloud does.
   */
  defaultFormat?: string;
  /**
   * True when `resources` is the result list of a list command. Defaults to
   * Array.isArray(resources); false prints an array as one resource.
   */
  isList?: boolean;
  /** Terminal width for `:wrap` table columns (gcloud asks the terminal; default 80). */
  terminalWidth?: number;
  /** The command's resource URI, for a command whose resources have one (uri() then gives it). */
  uriOf?: (resource: unknown) => string | undefined;
  /** `resources` is one API message (printed even when it has no fields, as gcloud prints `{}`). */
  message?: boolean;
  /** The command's flag values by name (`limit`, `uri`, …), which `key.if(expr)` conditions test. */
  conditionals?: Record<string, unknown>;
}

// Every printer name gcloud accepts, for its "Format must be one of" message.
const GCLOUD_FORMATS = [
  'config',
  'csv',
  'default',
  'diff',
  'disable',
  'flattened',
  'get',
  'json',
  'list',
  'multi',
  'none',
  'object',
  'table',
  'text',
  'value',
  'yaml',
];

function unknownFormat(name: string): FormatError {
  return new FormatError(`Format must be one of ${GCLOUD_FORMATS.join(', ')}; received [${name}].\n\n` + FORMATS_ADVICE);
}

function createPrinter(name: string, spec: ProjectionSpec, options: RenderOptions): ResourcePrinter {
  const nested = nestedPrinters(spec, options);
  switch (name) {
    case 'json':
      return new JsonPrinter(name, spec);
    case 'yaml':
    case 'default':
      return new YamlPrinter(name, spec);
    case 'text':
    case 'flattened':
      return new FlattenedPrinter(name, spec);
    case 'csv':
      return new CsvPrinter(name, spec);
    case 'value':
      return new ValuePrinter(name, spec);
    case 'get':
      return new ValuePrinter(name, spec, true);
    case 'list':
      return new ListPrinter(name, spec);
    case 'table':
      return new TablePrinter(name, spec, options.terminalWidth, nested);
    case 'config':
      return new ConfigPrinter(name, spec);
    case 'object':
      return new ObjectPrinter(name, spec, options.messageType);
    case 'multi':
      return new MultiPrinter(name, spec, nested);
    case 'diff':
      // Its printers get the builtin transforms only (gcloud passes them no defaults).
      return new DiffPrinter(name, spec, nestedPrinters(new ProjectionSpec(builtinTransforms()), options));
    case 'none':
      return new NonePrinter(name, spec);
    case 'disable':
      spec.attributes = new Map([['disable', 1]]);
      return new NonePrinter(name, spec);
    default:
      throw unknownFormat(name);
  }
}

/** The printers of nested formats: parsed with the parent's transforms, as gcloud's nested Printer() is. */
function nestedPrinters(parent: ProjectionSpec, options: RenderOptions): NestedPrinters {
  return (format) => {
    const spec = parseProjection(format, parent.symbols);
    const name = spec.getName();
    return name ? createPrinter(name, spec, options) : null;
  };
}

/**
 * Renders resources as gcloud would print them on stdout for `--format=<format>`
 * (and optional --flatten / --sort-by / --limit). `resources` is a single
 * resource (a describe/create result) or a list (list commands: set isList true).
 * Returns the exact text to write to stdout ('' when nothing is printed).
 * Throws FormatError for a bad expression, with gcloud's message.
 */
export function renderFormat(resources: unknown, format: string, options: RenderOptions = {}): string {
  const symbols = commandTransforms(options.uriOf);
  const spec = parseProjection(composeFormat(format, options.defaultFormat, options.sortBy), symbols, options.conditionals);
  const name = spec.getName();
  // A projection without a printer name prints nothing.
  if (!name) return '';
  const printer = createPrinter(name, spec, options);
  const displayed = applyDisplayOptions(resources, options.isList ?? Array.isArray(resources), options, parseProjection('', symbols));
  return printer.print(displayed.resources, !displayed.isList, options.message);
}
