/**
 * `table(...)`: left-aligned columns under upper-case headings, padded to the
 * widest cell (by display width) plus 2 spaces, with no trailing whitespace.
 * Supports sort/reverse, align, width, optional and hidden columns, multi-line
 * cells, wrap, title, and the box / all-box borders.
 */
import { formatFloat } from './builtin-transforms';
import { charWidth, displayAdjustment, displayWidth } from './display-width';
import { FormatError, TransformCrash } from './errors';
import { type NestedPrinters, ResourcePrinter } from './printer';
import { comparePyStrings, isPyFloat, pyCenter, pyIsSpace, pyStr, pyTruthy } from './python';
import type { Alignment, Column, ProjectionSpec } from './spec';
import { iterate } from './transform';

const COLUMN_PAD = 2;
const BOX_CHAR_LENGTH = 1;
const MIN_WRAP_WIDTH = 10;
const DEFAULT_TERMINAL_WIDTH = 80;

interface BoxCharacters {
  dl: string;
  dr: string;
  h: string;
  hd: string;
  hu: string;
  ul: string;
  ur: string;
  v: string;
  vh: string;
  vl: string;
  vr: string;
}

const UNICODE_BOX: BoxCharacters = {
  dl: '┐',
  dr: '┌',
  h: '─',
  hd: '┬',
  hu: '┴',
  ul: '┘',
  ur: '└',
  v: '│',
  vh: '┼',
  vl: '┤',
  vr: '├',
};

const ASCII_BOX: BoxCharacters = {
  dl: '+',
  dr: '+',
  h: '-',
  hd: '+',
  hu: '+',
  ul: '+',
  ur: '+',
  v: '|',
  vh: '+',
  vl: '+',
  vr: '+',
};

/** Cell text: '' for null, 6-digit floats, Python str() for everything else. */
function stringify(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (isPyFloat(value)) return String(formatFloat(value));
  return pyStr(value);
}

/** Sort key: numbers sort numerically before everything else. */
function numify(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return Infinity;
}

/** [ascii] tables print through an ASCII console: other characters become '?'. */
function toAscii(text: string): string {
  return Array.from(text, (ch) => (ch.codePointAt(0)! < 0x80 ? ch : '?')).join('');
}

function pyStrip(s: string): string {
  const chars = Array.from(s);
  let start = 0;
  let end = chars.length;
  while (start < end && pyIsSpace(chars[start])) start++;
  while (end > start && pyIsSpace(chars[end - 1])) end--;
  return chars.slice(start, end).join('');
}

function pyRstrip(s: string): string {
  const chars = Array.from(s);
  let end = chars.length;
  while (end > 0 && pyIsSpace(chars[end - 1])) end--;
  return chars.slice(0, end).join('');
}

/** Pads by display width (wide characters count double), like gcloud's justification. */
function justify(rawText: string, width: number, align: Alignment, ascii: boolean): string {
  const text = ascii ? toAscii(rawText) : rawText;
  const target = width - displayAdjustment(text);
  const length = Array.from(text).length;
  if (length >= target) return text;
  if (align === 'right') return ' '.repeat(target - length) + text;
  if (align === 'center') return pyCenter(text, width, displayAdjustment(text));
  return text + ' '.repeat(target - length);
}

/** Splits off the first line of a cell that fits in maxWidth, preferring to break at whitespace. */
function nextLineAndRemainder(s: string, maxWidth: number): [string, string] {
  const chars = Array.from(s);
  let currentWidth = 0;
  let split = 0;
  while (split < chars.length) {
    currentWidth += charWidth(chars[split]);
    if (currentWidth > maxWidth) break;
    split++;
  }
  while (split < chars.length && pyIsSpace(chars[split])) split++;

  const firstNewline = chars.indexOf('\n');
  if (firstNewline >= 0 && firstNewline + 1 <= split) {
    split = firstNewline + 1;
  } else {
    // Otherwise break after the last whitespace run that fits.
    let maxWhitespace = 0;
    for (const end of whitespaceRunEnds(chars)) {
      if (end > split) break;
      maxWhitespace = end;
    }
    if (maxWhitespace) split = maxWhitespace;
  }
  return [pyRstrip(chars.slice(0, split).join('')), chars.slice(split).join('')];
}

function* whitespaceRunEnds(chars: string[]): Generator<number> {
  let i = 0;
  while (i < chars.length) {
    if (pyIsSpace(chars[i])) {
      while (i < chars.length && pyIsSpace(chars[i])) i++;
      yield i;
    } else {
      i++;
    }
  }
}

/** A column of a table with nested or hidden columns: its printer prints the column's value under each row. */
interface SubFormat {
  index: number;
  hidden: boolean;
  printer: ResourcePrinter | null;
}

export class TablePrinter extends ResourcePrinter {
  private rows: unknown[][] = [];
  /** Indexes of displayed columns when some are hidden, nested or dropped, else null (all shown). */
  private visibleIndexes: number[] | null = null;
  /** Every column, when some are nested (`:format=`) or hidden; else null. */
  private readonly subformats: SubFormat[] | null = null;
  /** Every column is nested or hidden: each nested printer prints its column of all rows at once. */
  private readonly aggregate: boolean = false;
  private readonly hasSubprinters: boolean;

  constructor(
    name: string,
    spec: ProjectionSpec,
    private readonly terminalWidth = DEFAULT_TERMINAL_WIDTH,
    nested?: NestedPrinters,
  ) {
    super(name, spec, { byColumns: true, nonEmptyProjectionRequired: true });
    const columns = spec.getColumns();
    this.hasSubprinters = columns.some((c) => c.attribute.subformat);
    if (!columns.some((c) => c.attribute.subformat || c.attribute.hidden)) return;
    this.aggregate = columns.every((c) => c.attribute.subformat || c.attribute.hidden);
    if (this.aggregate && !this.hasSubprinters) {
      throw new FormatError('A table with only hidden columns is not supported by gcloud-aip.');
    }
    this.subformats = columns.map((c, index) => ({
      index,
      hidden: c.attribute.hidden,
      printer: c.attribute.subformat && nested ? nested(c.attribute.subformat) : null,
    }));
    if (!this.aggregate) this.visibleIndexes = this.subformats.flatMap((f) => (f.hidden || f.printer ? [] : [f.index]));
  }

  private visible<T>(row: T[]): T[] {
    const indexes = this.visibleIndexes;
    return indexes && row.length ? indexes.map((i) => row[i]) : row;
  }

  protected writeRecord(record: unknown): void {
    // A row is what Python iterates of the record: a str's characters, a dict's keys (a diff's
    // unprojected records reach a table so).
    this.rows.push(iterate(record) ?? [record]);
  }

  private sortedRows(records: unknown[][]): unknown[][] {
    // Group consecutive keys with the same direction; apply groups lowest precedence first.
    const groups: Array<[number[], boolean]> = [];
    let keys: number[] = [];
    let reverse = false;
    for (const [index, keyReverse] of this.spec.order()) {
      if (!keys.length) reverse = keyReverse;
      if (reverse !== keyReverse) {
        groups.unshift([keys, reverse]);
        keys = [];
        reverse = keyReverse;
      }
      keys.push(index);
    }
    if (keys.length) groups.unshift([keys, reverse]);

    let rows = records;
    for (const [groupKeys, groupReverse] of groups) {
      if (groupReverse) rows = [...rows].reverse();
      for (const key of [...groupKeys].reverse()) {
        const decorated = rows.map((row, i) => ({ num: numify(row[key]), str: stringify(row[key]), i, row }));
        decorated.sort((a, b) => {
          if (a.num !== b.num) return a.num < b.num ? -1 : 1;
          return comparePyStrings(a.str, b.str) || a.i - b.i;
        });
        rows = decorated.map((d) => d.row);
      }
      if (groupReverse) rows = [...rows].reverse();
    }
    return rows;
  }

  private box(): BoxCharacters | null {
    if (!this.attributes.has('all-box') && !this.attributes.has('box')) return null;
    return this.attributes.has('ascii') ? ASCII_BOX : UNICODE_BOX;
  }

  /** gcloud's nested-only table: each nested column printed for all rows at once, in column order. */
  private finishAggregate(): void {
    for (const subformat of this.subformats ?? []) {
      for (const row of this.rows) {
        const record = row[subformat.index];
        if (!pyTruthy(record)) continue;
        if (!subformat.printer) throw new TransformCrash('AttributeError', "'NoneType' object has no attribute 'Print'");
        subformat.printer.printNested(record, true);
      }
      if (subformat.printer) {
        subformat.printer.finish();
        this.out += subformat.printer.takeOutput();
      }
    }
    this.rows = [];
  }

  /** The nested printers' output for one record, indented under its row. */
  private writeNested(record: unknown[]): void {
    for (const subformat of this.subformats ?? []) {
      if (!subformat.printer) continue;
      subformat.printer.printNested(record[subformat.index]);
      const lines = subformat.printer.takeOutput().split('\n').slice(0, -1);
      for (const line of lines) this.out += `    ${line}\n`;
    }
  }

  finish(): void {
    if (!this.rows.length) return;
    if (this.aggregate) {
      this.finishAggregate();
      return;
    }
    const box = this.box();
    const allBox = this.attributes.has('all-box');
    const pad = box ? 1 : Number(this.attributes.get('pad') ?? COLUMN_PAD);
    const columns = this.spec.getColumns();

    // The nested printers print the records in the order they came (gcloud's), whatever the sort.
    const records = this.rows;
    this.rows = [];
    let rows = this.sortedRows(records).map((row) => this.visible(row.map(stringify)));
    let align = this.visible(this.spec.alignments());
    let heading = this.headingRow();
    let widths = this.columnWidths(rows, heading);

    // Optional columns without any data are dropped.
    if (columns.some((c) => c.attribute.optional)) {
      const visibleColumns = this.visible(columns);
      const keep = visibleColumns.flatMap((c, i) => (!c.attribute.optional || widths[i] ? [i] : []));
      if (keep.length < visibleColumns.length) {
        if (!keep.length) return;
        const pick = <T>(row: T[]): T[] => keep.map((i) => row[i]);
        // Like gcloud, later visibility lookups (wrap) apply these indexes to all columns.
        this.visibleIndexes = keep;
        rows = rows.map(pick);
        align = pick(align);
        heading = heading ? pick(heading) : null;
        widths = pick(widths);
      }
    }
    if (heading) {
      heading.forEach((cell, i) => {
        widths[i] = Math.max(widths[i], displayWidth(cell));
      });
    }
    columns.forEach((col, i) => {
      const fixed = col.attribute.width;
      if (typeof fixed === 'number' && fixed && i < widths.length && widths[i] < fixed) widths[i] = fixed;
    });
    const wrapped = this.applyWrap(widths, pad, box);

    this.writeTitle(widths, pad, box, wrapped);
    if (box) this.writeBoxTop(widths, heading);
    const lines = box && heading ? rows : heading ? [heading, ...rows] : rows;
    const rules = box ? this.boxRules(widths) : null;
    // Rows with nested output are boxed one by one (top rule before, bottom rule after each).
    const boxEachRow = box && this.subformats?.some((f) => !f.hidden && f.printer);
    const headingLines = box || !heading ? 0 : 1;
    lines.forEach((row, rowIndex) => {
      if (rowIndex > 0 && box) {
        if (boxEachRow) this.out += rules!.top + '\n';
        else if (allBox) this.out += rules!.middle + '\n';
      }
      this.writeRow([...row], widths, align, pad, box);
      if (this.hasSubprinters && rowIndex >= headingLines) {
        if (box) this.out += rules!.bottom + '\n';
        this.writeNested(records[rowIndex - headingLines]);
      }
    });
    if (box && !boxEachRow) this.out += rules!.bottom + '\n';
  }

  private headingRow(): string[] | null {
    if (this.attributes.has('no-heading')) return null;
    const labels = this.spec.labels();
    if (!labels) return null;
    const visible = this.visible(labels);
    // gcloud picks the labels of unnested columns by their index among all columns from the visible
    // labels, so a nested column before others shifts (and shortens) the heading; kept for identical output.
    if (this.subformats) {
      return this.subformats.flatMap((f) => (!f.printer && f.index < visible.length ? [stringify(visible[f.index])] : []));
    }
    return visible.map(stringify);
  }

  private columnWidths(rows: string[][], heading: string[] | null): number[] {
    const count = Math.max(...[...rows, ...(heading ? [heading] : [])].map((r) => r.length));
    const widths = new Array<number>(count).fill(0);
    for (const row of rows) {
      row.forEach((cell, i) => {
        widths[i] = Math.max(widths[i], displayWidth(cell));
      });
    }
    return widths;
  }

  /** Shrinks :wrap columns so the table fits the terminal; returns whether any column wraps. */
  private applyWrap(widths: number[], pad: number, box: BoxCharacters | null): boolean {
    const visibleColumns: Column[] = this.visible(this.spec.getColumns());
    const wrap = new Map<number, number>();
    visibleColumns.forEach((col, i) => {
      const w = col.attribute.wrap;
      if (w) wrap.set(i, typeof w === 'boolean' ? MIN_WRAP_WIDTH : w);
    });
    if (!wrap.size) return false;
    const count = visibleColumns.length;
    let padding = box ? BOX_CHAR_LENGTH * (count + 1) + count * pad * 2 : (count - 1) * pad;
    padding += Number(this.attributes.get('margin') ?? 0);
    const tableWidth = Number(this.attributes.get('width') ?? this.terminalWidth);
    const totalWidth = tableWidth - padding;
    const sum = widths.reduce((a, b) => a + b, 0);
    if (totalWidth < sum) {
      const fixedWidth = widths.reduce((a, w, i) => (wrap.has(i) ? a : a + w), 0);
      const available = totalWidth - fixedWidth;
      widths.forEach((w, i) => {
        if (wrap.has(i)) widths[i] = Math.max(Math.floor(available / wrap.size), Math.min(wrap.get(i)!, w));
      });
    }
    return true;
  }

  private writeTitle(widths: number[], pad: number, box: BoxCharacters | null, wrapped: boolean): void {
    const titleValue = this.attributes.get('title');
    if (titleValue === undefined || titleValue === null) return;
    const title = String(titleValue);
    const ascii = this.attributes.has('ascii');
    let line = box ? box.dr : '';
    let width = 0;
    let sep = 2;
    for (const w of widths) {
      width += w;
      if (box) line += box.h.repeat(w + sep);
      sep = 3;
    }
    const titleWidth = displayWidth(title);
    if (width < titleWidth && !wrapped) {
      // The title is wider than the table: widen every column.
      const extra = Math.floor((titleWidth + widths.length - 1) / widths.length);
      width += widths.length * extra;
      if (box) line += box.h.repeat(widths.length * extra);
      widths.forEach((_, i) => {
        widths[i] += extra;
      });
    }
    if (box) {
      width += 3 * widths.length - 1;
      this.out += line + box.dl + '\n';
      this.out += box.v + justify(title, width, 'center', ascii) + box.v + '\n';
    } else {
      width += pad * (widths.length - 1);
      this.out += pyRstrip(justify(title, width, 'center', ascii)) + '\n';
    }
  }

  private boxRules(widths: number[]): { top: string; middle: string; bottom: string } {
    const box = this.box()!;
    const hasTitle = !!this.attributes.get('title');
    let top = '';
    let middle = '';
    let bottom = '';
    widths.forEach((w, i) => {
      const cell = box.h.repeat(w + 2);
      top += (i === 0 ? (hasTitle ? box.vr : box.dr) : box.hd) + cell;
      middle += (i === 0 ? box.vr : box.vh) + cell;
      bottom += (i === 0 ? box.ur : box.hu) + cell;
    });
    return { top: top + (hasTitle ? box.vl : box.dl), middle: middle + box.vl, bottom: bottom + box.ul };
  }

  private writeBoxTop(widths: number[], heading: string[] | null): void {
    const box = this.box()!;
    const rules = this.boxRules(widths);
    this.out += rules.top + '\n';
    if (heading) {
      const parts: string[] = [];
      heading.forEach((cell, i) => {
        parts.push(box.v, pyCenter(cell, widths[i]));
      });
      parts.push(box.v);
      this.out += parts.join(' ') + '\n' + rules.middle + '\n';
    }
  }

  /** Writes one row, as several lines if cells hold newlines or wrap. */
  private writeRow(row: string[], widths: number[], align: Alignment[], pad: number, box: BoxCharacters | null): void {
    let finished = false;
    while (!finished) {
      finished = true;
      let pending = 0;
      row.forEach((cellText, i) => {
        const width = widths[i];
        if (box) this.out += box.v + ' ';
        let cell: string;
        if (displayWidth(cellText) > width || cellText.includes('\n')) {
          const [line, remainder] = nextLineAndRemainder(cellText, width);
          cell = line;
          row[i] = remainder;
          if (remainder) finished = false;
        } else {
          cell = cellText;
          row[i] = ' ';
        }
        const value = justify(cell, width, align[i] ?? 'left', this.attributes.has('ascii'));
        if (box) {
          this.out += value + ' '.repeat(pad);
        } else if (pyStrip(value)) {
          // Padding is deferred so that a line never ends with spaces.
          if (pending) this.out += ' '.repeat(pending);
          const stripped = pyRstrip(value);
          this.out += stripped;
          pending = pad + displayWidth(value) - displayWidth(stripped);
        } else {
          pending += pad + displayWidth(value);
        }
      });
      if (box) this.out += box.v;
      this.out += '\n';
    }
  }
}
