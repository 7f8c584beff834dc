/**
 * The record-oriented formats: json, yaml (and default), csv/value/get, text/flattened, list, config
 * and multi.
 */
import { formatFloat } from './builtin-transforms';
import { unifiedDiff } from '../difflib';
import { pyJsonDumps } from './json';
import { keyName } from './lexer';
import { FormatError, TransformCrash } from './errors';
import { type NestedPrinters, ResourcePrinter } from './printer';
import { getKey } from './resource';
import { isObject, isPyFloat, pyDecode, pyIsSpace, pyLen, pyStr, pyTruthy, sortedKeys } from './python';
import { messageRepr, type MessageType } from './message';
import type { Key, ProjectionSpec } from './spec';
import { iterate } from './transform';
import { dumpYamlDocument } from './yaml';

const INDENT = '  ';

/** `json`: one object for a single resource, an array for a list. */
export class JsonPrinter extends ResourcePrinter {
  private static readonly BEGIN = '[\n';
  private delimiter = JsonPrinter.BEGIN;
  private empty = true;

  constructor(name: string, spec: ProjectionSpec) {
    super(name, spec, { retainNoneValues: true });
  }

  protected writeRecord(record: unknown, delimit: boolean): void {
    this.empty = false;
    const output = pyJsonDumps(record);
    if (delimit) {
      // List items: indent each item's lines inside the enclosing [ ... ].
      let delimiter = this.delimiter + INDENT;
      this.delimiter = ',\n';
      for (const line of output.split('\n')) {
        this.out += delimiter + line;
        delimiter = '\n' + INDENT;
      }
    } else {
      if (this.delimiter !== JsonPrinter.BEGIN) {
        this.out += '\n]\n';
        this.delimiter = JsonPrinter.BEGIN;
      }
      this.out += output + '\n';
    }
  }

  finish(): void {
    if (this.empty) {
      this.out += '[]\n';
    } else if (this.delimiter !== JsonPrinter.BEGIN) {
      this.out += '\n]\n';
      this.delimiter = JsonPrinter.BEGIN;
    }
  }
}

/** `yaml` / `default`: one YAML document per record, `---` before each list item. */
export class YamlPrinter extends ResourcePrinter {
  constructor(name: string, spec: ProjectionSpec) {
    super(name, spec, { retainNoneValues: true });
  }

  protected writeRecord(record: unknown, delimit: boolean): void {
    const nullText = this.attributes.get('null');
    this.out += dumpYamlDocument(record, {
      explicitStart: delimit,
      nullText: nullText === undefined || nullText === null ? null : String(nullText),
    });
  }
}

interface CsvSettings {
  delimiter: string;
  quote: string | null;
  separator: string;
  terminator: string;
  heading: boolean;
}

/** `csv`: a heading of lower-cased labels, then comma separated values with CSV quoting. */
export class CsvPrinter extends ResourcePrinter {
  private headingPrinted: boolean;
  private readonly settings: CsvSettings;

  constructor(name: string, spec: ProjectionSpec, ignoreDefaultTransforms = false) {
    super(name, spec, { byColumns: true, nonEmptyProjectionRequired: true, ignoreDefaultTransforms });
    this.settings = this.csvSettings();
    this.headingPrinted = !this.settings.heading;
  }

  protected csvSettings(): CsvSettings {
    return {
      delimiter: this.attribute('delimiter', ';'),
      quote: this.attributes.get('no-quote') ? null : '"',
      separator: this.attribute('separator', ','),
      terminator: this.attribute('terminator', '\n'),
      heading: true,
    };
  }

  /** Quotes a field only if it contains a special string or has surrounding space. */
  private quoteField(field: string): string {
    const { quote, delimiter, separator, terminator } = this.settings;
    if (!field || !quote) return field;
    const chars = Array.from(field);
    const needsQuote =
      field.includes(delimiter) ||
      field.includes(quote) ||
      field.includes(separator) ||
      field.includes(terminator) ||
      pyIsSpace(chars[0]) ||
      pyIsSpace(chars[chars.length - 1]);
    if (!needsQuote) return field;
    return quote + field.split(quote).join(quote + quote) + quote;
  }

  /** Dicts print as k=v items and lists as items, joined by the delimiter. */
  private formatCell(cell: unknown): string {
    const { delimiter } = this.settings;
    if (cell === null || cell === undefined) return '';
    if (isObject(cell)) {
      return sortedKeys(cell)
        .map((k) => this.quoteField(`${k}=${pyDecode(cell[k])}`))
        .join(delimiter);
    }
    if (Array.isArray(cell)) {
      return cell.map((x) => (pyTruthy(x) ? this.quoteField(pyDecode(x)) : '')).join(delimiter);
    }
    if (isPyFloat(cell)) return this.quoteField(String(formatFloat(cell)));
    return this.quoteField(pyDecode(cell));
  }

  private visible<T>(row: T[]): T[] {
    const columns = this.spec.getColumns();
    return row.filter((_, i) => !columns[i]?.attribute.hidden);
  }

  private writeHeading(): void {
    this.headingPrinted = true;
    if (this.attributes.has('no-heading')) return;
    let labels = this.spec.labels();
    if (!labels) return;
    // gcloud drops hidden columns twice here; kept for identical output.
    labels = this.visible(this.visible(labels).map((label) => label.toLowerCase()));
    const { separator, terminator } = this.settings;
    this.out += labels.map((label) => this.quoteField(label)).join(separator) + terminator;
  }

  protected writeRecord(record: unknown): void {
    if (!this.headingPrinted) this.writeHeading();
    const { separator, terminator } = this.settings;
    // Python iterates the row: a str record (reaching a csv unprojected, as in a diff) gives its characters.
    const cells = this.visible(iterate(record) ?? [record]).map((cell) => this.formatCell(cell));
    this.out += cells.join(separator) + terminator;
  }
}

/** `value`: like csv without heading, tab separated, unquoted unless [quote]. */
export class ValuePrinter extends CsvPrinter {
  protected csvSettings(): CsvSettings {
    return {
      delimiter: this.attribute('delimiter', ';'),
      quote: this.attributes.get('quote') ? '"' : null,
      separator: this.attribute('separator', '\t'),
      terminator: this.attribute('terminator', '\n'),
      heading: false,
    };
  }
}

/** Python-style quoting of a flattened value that has newlines or edge spaces. */
function stringQuote(s: string): string {
  const entities: Record<string, string> = { '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  let out = '"';
  for (const c of s) {
    if (c === '\\' || c === '"') out += '\\' + c;
    else out += entities[c] ?? c;
  }
  return out + '"';
}

/** `text` / `flattened`: one `key.path: value` line per leaf, values aligned. */
export class FlattenedPrinter extends ResourcePrinter {
  constructor(name: string, spec: ProjectionSpec) {
    super(name, spec, { retainNoneValues: false });
  }

  /** Column labels by key name, used in place of the key path. */
  private labelsByKey(): Map<string, string> | null {
    const columns = this.spec.getColumns();
    if (!columns.length) return null;
    return new Map(columns.map((c) => [keyName(c.key), c.attribute.label ?? '']));
  }

  private flatten(record: unknown): Array<[string, unknown]> {
    const labels = this.labelsByKey();
    const result: Array<[string, unknown]> = [];
    const append = (name: string, value: unknown): void => {
      const label = labels?.get(name);
      result.push([label !== undefined ? label.toLowerCase() : name, value]);
    };
    const walk = (obj: unknown, name: string): void => {
      if (Array.isArray(obj)) {
        if (!obj.length) append(name, []);
        obj.forEach((item, i) => {
          walk(item, `${name}[${i}]`);
        });
      } else if (isObject(obj)) {
        const keys = sortedKeys(obj).filter((k) => obj[k] !== undefined);
        if (!keys.length) append(name, {});
        for (const k of keys) walk(obj[k], name ? `${name}.${k}` : k);
      } else if (isPyFloat(obj)) {
        append(name, formatFloat(obj));
      } else {
        append(name, obj);
      }
    };
    walk(record, '');
    return result;
  }

  protected writeRecord(record: unknown, delimit: boolean): void {
    if (delimit) this.out += '---\n';
    const lines = this.flatten(record);
    if (!lines.length) return;
    const pad = !this.attributes.has('no-pad');
    const separator = this.attribute('separator', ': ');
    const width = Math.max(...lines.map(([key]) => pyLen(key)));
    for (const [key, value] of lines) {
      let text = pyStr(value);
      const chars = Array.from(text);
      if (text.includes('\n') || (chars.length && (pyIsSpace(chars[0]) || pyIsSpace(chars[chars.length - 1])))) {
        text = stringQuote(text);
      }
      this.out += key + separator + (pad ? ' '.repeat(width - pyLen(key)) : '') + text + '\n';
    }
  }
}

/** `list`: one ` - item` entry per resource; dict records list their `key: value` pairs. */
export class ListPrinter extends ResourcePrinter {
  private title: string | null;

  constructor(name: string, spec: ProjectionSpec) {
    super(name, spec, { byColumns: true });
    const title = this.attributes.get('title');
    this.title = title === undefined || title === null || title === '' ? null : String(title);
    if (this.title && this.attributes.has('always-display-title')) {
      this.out += this.title + '\n';
      this.title = null;
    }
  }

  protected processRecord(record: unknown): unknown {
    // Scalars are listed as they are, without projection.
    const projected = Array.isArray(record) || isObject(record) ? super.processRecord(record) : record;
    if (isObject(projected)) {
      return sortedKeys(projected)
        .filter((k) => projected[k] !== null && projected[k] !== undefined)
        .map((k) => `${k}: ${pyStr(projected[k])}`);
    }
    if (Array.isArray(projected)) return projected.filter((item) => item !== null && item !== undefined);
    return [pyTruthy(projected) ? pyStr(projected) : ''];
  }

  protected writeRecord(record: unknown): void {
    if (this.title) {
      this.out += this.title + '\n';
      this.title = null;
    }
    const separator = this.attributes.has('compact') ? ' ' : '\n   ';
    const columns = this.spec.getColumns();
    const items = (record as unknown[]).filter((_, i) => !columns[i]?.attribute.hidden);
    this.out += ' - ' + items.map(pyStr).join(separator) + '\n';
  }
}

/** Python's shlex.quote. */
function shellQuote(text: string): string {
  if (!text) return "''";
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(text)) return text;
  return `'${text.split("'").join(`'"'"'`)}'`;
}

/** `config`: INI-style `name = value` lines under `[section.sub.0]` headings; [export] and [unset] as shell commands. */
export class ConfigPrinter extends ResourcePrinter {
  constructor(name: string, spec: ProjectionSpec) {
    super(name, spec, { retainNoneValues: true });
    const title = this.attributes.get('title');
    if (title !== undefined) this.out += `${pyStr(title)}\n`;
  }

  protected writeRecord(record: unknown): void {
    // Nothing is printed for a record that is not a dict.
    if (!isObject(record)) return;
    if (this.attributes.has('export')) this.out += this.environment(record, '', (name, value) => `export ${name}=${shellQuote(value)}\n`);
    else if (this.attributes.has('unset')) this.out += this.environment(record, '', (name) => `unset ${name}\n`, true);
    else this.out += this.category([], record);
  }

  /** One section: its scalars (`name = value`) under its `[label]`, then its subsections. */
  private category(label: string[], items: Record<string, unknown> | unknown[]): string {
    let top = '';
    let sub = '';
    const names = Array.isArray(items) ? items.map((_, i) => String(i)) : sortedKeys(items);
    for (const name of names) {
      const value = Array.isArray(items) ? items[Number(name)] : items[name];
      if (isObject(value) || Array.isArray(value)) sub += this.category([...label, name], value);
      else if (value === null || value === undefined) top += `${name} (unset)\n`;
      else top += `${name} = ${pyStr(value)}\n`;
    }
    const heading = label.length && (top || (sub && !sub.startsWith('['))) ? `[${label.join('.')}]\n` : '';
    return heading + top + sub;
  }

  /** Environment variable commands: names joined by `_`, list items as `I0`, `I1`, …; None unset (for export). */
  private environment(
    items: Record<string, unknown>,
    prefix: string,
    command: (name: string, value: string) => string,
    unsetNone = false,
  ): string {
    let out = '';
    for (const name of sortedKeys(items)) {
      const value = items[name];
      if (isObject(value)) out += this.environment(value, `${prefix}${name}_`, command, unsetNone);
      else if ((value === null || value === undefined) && !unsetNone) out += `${prefix}${name} (unset)\n`;
      else if (Array.isArray(value)) {
        value.forEach((item, i) => {
          out += this.environment(isObject(item) ? item : { [`I${i}`]: item }, `${prefix}${name}_`, command, unsetNone);
        });
      } else out += command(prefix + name, pyStr(value));
    }
    return out;
  }
}

/** `multi(key:format=…, …)`: each key's value printed in its own format, `separator` between them. */
export class MultiPrinter extends ResourcePrinter {
  private readonly printers: Array<[Key, ResourcePrinter | null]>;

  constructor(name: string, spec: ProjectionSpec, nested: NestedPrinters) {
    super(name, spec);
    this.printers = spec.getColumns().map((column) => {
      if (!column.attribute.subformat) throw new FormatError(`${keyName(column.key)} requires format attribute.`);
      return [column.key, nested(column.attribute.subformat)];
    });
  }

  protected writeRecord(record: unknown, delimit: boolean): void {
    const separator = this.attribute('separator', '');
    this.printers.forEach(([key, printer], i) => {
      if (i !== 0 || delimit) this.out += separator;
      if (!printer) throw new TransformCrash('AttributeError', "'NoneType' object has no attribute 'Print'");
      printer.printNested(getKey(record, key, null));
      this.out += printer.takeOutput();
    });
    this.out += this.attribute('terminator', '');
  }
}

/** `diff(old, new)`: a unified diff of the first two columns, each printed in [format=…] (flattened). */
export class DiffPrinter extends ResourcePrinter {
  constructor(
    name: string,
    spec: ProjectionSpec,
    private readonly standalone: NestedPrinters,
  ) {
    super(name, spec, { byColumns: true, nonEmptyProjectionRequired: true });
  }

  private rendered(resource: unknown): string[] {
    const printer = this.standalone(this.attribute('format', 'flattened'));
    if (!printer) throw new TransformCrash('AttributeError', "'NoneType' object has no attribute 'PrintSingleRecord'");
    printer.printSingleRecord(resource);
    return printer.takeOutput().split('\n');
  }

  protected writeRecord(record: unknown): void {
    const title = this.attributes.get('title');
    if (pyTruthy(title)) this.out += `${pyStr(title)}\n`;
    const columns = record as unknown[];
    if (columns.length < 2) return;
    for (const line of unifiedDiff(this.rendered(columns[0]), this.rendered(columns[1]))) this.out += `${line}\n`;
  }
}

/**
 * `object`: each resource's Python str(), unprojected — an API message's repr (`<Type\n field: …>`),
 * else the value's; no newline unless [terminator=…], [separator=…] between list items.
 */
export class ObjectPrinter extends ResourcePrinter {
  private first = true;

  constructor(
    name: string,
    spec: ProjectionSpec,
    private readonly messageType?: MessageType,
  ) {
    super(name, spec, { byColumns: true });
  }

  protected processRecord(record: unknown): unknown {
    return record;
  }

  protected writeRecord(record: unknown, delimit: boolean): void {
    const separator = this.attributes.get('separator');
    const terminator = this.attributes.get('terminator');
    if (this.first) this.first = false;
    else if (delimit && separator !== undefined && separator !== null) this.out += `${pyStr(separator)}\n`;
    const message = this.messageType;
    this.out += message && isObject(record) ? messageRepr(message.schema, record, message.type) : pyStr(record);
    if (terminator !== undefined && terminator !== null) this.out += `${pyStr(terminator)}\n`;
  }
}
