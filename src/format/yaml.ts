/**
 * YAML text exactly as gcloud prints it. gcloud dumps each record with
 * ruamel.yaml (safe dumper, YAML 1.2 resolution rules, block style, indent 2,
 * width 80, unicode kept) plus its own tweaks: floats use the 6-digit float
 * format and multi-line strings use literal `|` blocks. This is a port of
 * the relevant part of that emitter: style selection (plain, quoted, literal),
 * line folding of long scalars, and the column/indentation bookkeeping that
 * decides where spaces and line breaks go.
 */
import { formatFloat } from './builtin-transforms';
import { isObject, isPyInt, PyBytes, pyNumberString, sortedKeys } from './python';

type Tag = 'str' | 'int' | 'float' | 'bool' | 'null' | 'binary';

type YamlNode =
  | { kind: 'scalar'; tag: Tag; value: string; literal: boolean }
  | { kind: 'seq'; items: YamlNode[] }
  | { kind: 'map'; pairs: Array<[YamlNode, YamlNode]> };

export interface YamlOptions {
  /** Start the document with `---` (gcloud does so for each item of a list). */
  explicitStart: boolean;
  /** The `null=` printer attribute: text to show instead of `null`. */
  nullText?: string | null;
}

// ---------------------------------------------------------------------------
// Representation: JSON value => YAML node tree.

function scalar(tag: Tag, value: string, literal = false): YamlNode {
  return { kind: 'scalar', tag, value, literal };
}

function represent(value: unknown, options: YamlOptions, isKey = false): YamlNode {
  if (value === null || value === undefined) {
    const text = options.nullText;
    return text === null || text === undefined || text === 'null' ? scalar('null', 'null') : scalar('str', text);
  }
  if (typeof value === 'string') return scalar('str', value, !isKey && value.includes('\n'));
  // ruamel writes bytes as a tagged literal block of base64 lines (76 characters each).
  if (value instanceof PyBytes)
    return scalar('binary', `${value.bytes.toString('base64').replace(/.{76}/g, '$&\n')}\n`.replace(/\n\n$/, '\n'), true);
  if (typeof value === 'boolean') return scalar('bool', value ? 'true' : 'false');
  if (typeof value === 'number') {
    return isPyInt(value) ? scalar('int', pyNumberString(value)) : scalar('float', String(formatFloat(value)));
  }
  if (Array.isArray(value)) return { kind: 'seq', items: value.map((v) => represent(v, options)) };
  if (isObject(value)) {
    const keys = sortedKeys(value).filter((k) => value[k] !== undefined);
    return { kind: 'map', pairs: keys.map((k) => [represent(k, options, true), represent(value[k], options)]) };
  }
  return scalar('str', String(value));
}

// ---------------------------------------------------------------------------
// Implicit tag resolution (YAML 1.2 rules): a plain scalar must read back as its own type.

const RESOLVERS: Array<[Tag | 'merge' | 'timestamp' | 'value' | 'yaml', RegExp, string[]]> = [
  ['bool', /^(?:true|True|TRUE|false|False|FALSE)$/, [...'tTfF']],
  [
    'float',
    /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)|[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
    [...'-+0123456789.'],
  ],
  ['int', /^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+)$/, [...'-+0123456789']],
  ['merge', /^(?:<<)$/, ['<']],
  ['null', /^(?:~|null|Null|NULL|)$/, ['~', 'n', 'N', '']],
  [
    'timestamp',
    /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
    [...'0123456789'],
  ],
  ['value', /^(?:=)$/, ['=']],
  ['yaml', /^(?:!|&|\*)$/, [...'!&*']],
];

/** Python's `$` also matches before one trailing newline. */
function pyFullMatch(re: RegExp, s: string): boolean {
  return re.test(s) || (s.endsWith('\n') && re.test(s.slice(0, -1)));
}

function resolveTag(value: string): string {
  const first = value === '' ? '' : Array.from(value)[0];
  for (const [tag, re, firsts] of RESOLVERS) {
    if (firsts.includes(first) && pyFullMatch(re, value)) return tag;
  }
  return 'str';
}

// ---------------------------------------------------------------------------
// Scalar analysis: which styles can represent the text.

const BREAKS = '\n\x85\u2028\u2029';
const WHITESPACE = '\0 \t\r\n\x85\u2028\u2029';
const BEST_WIDTH = 80;
const INDENT = 2;

interface Analysis {
  empty: boolean;
  multiline: boolean;
  allowFlowPlain: boolean;
  allowBlockPlain: boolean;
  allowSingleQuoted: boolean;
}

function isPrintableUnicode(code: number): boolean {
  return code === 0x85 || (code >= 0xa0 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

// Long because it is PyYAML's analyze_scalar, one pass setting the flags its emitter reads; kept in its order to compare.
function analyze(text: string): Analysis {
  if (!text) {
    return { empty: true, multiline: false, allowFlowPlain: false, allowBlockPlain: true, allowSingleQuoted: true };
  }
  const chars = Array.from(text);
  const last = chars.length - 1;
  let blockIndicators = false;
  let flowIndicators = false;
  let lineBreaks = false;
  let specialCharacters = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;

  if (text.startsWith('---') || text.startsWith('...')) {
    blockIndicators = true;
    flowIndicators = true;
  }
  let precededByWhitespace = true;
  let followedByWhitespace = chars.length === 1 || WHITESPACE.includes(chars[1]);
  let previousSpace = false;
  let previousBreak = false;

  chars.forEach((ch, index) => {
    if (index === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) {
        flowIndicators = true;
        blockIndicators = true;
      }
      if ('?:'.includes(ch)) {
        if (chars.length === 1) flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      }
      if (ch === '-' && followedByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    } else {
      if (',[]{}'.includes(ch)) flowIndicators = true;
      if (ch === ':' && followedByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
      if (ch === '#' && precededByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    }

    if (BREAKS.includes(ch)) lineBreaks = true;
    const code = ch.codePointAt(0)!;
    if (!(ch === '\n' || (code >= 0x20 && code <= 0x7e))) {
      if (!isPrintableUnicode(code) || ch === '\ufeff') specialCharacters = true;
    }

    if (ch === ' ') {
      if (index === 0) leadingSpace = true;
      if (index === last) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (BREAKS.includes(ch)) {
      if (index === 0) leadingBreak = true;
      if (index === last) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }

    precededByWhitespace = WHITESPACE.includes(ch);
    followedByWhitespace = index + 2 >= chars.length || WHITESPACE.includes(chars[index + 2]);
  });

  let allowFlowPlain = true;
  let allowBlockPlain = true;
  let allowSingleQuoted = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
    allowFlowPlain = allowBlockPlain = false;
  }
  if (breakSpace) allowFlowPlain = allowBlockPlain = allowSingleQuoted = false;
  if (specialCharacters || spaceBreak) allowFlowPlain = allowBlockPlain = allowSingleQuoted = false;
  if (lineBreaks) allowFlowPlain = allowBlockPlain = false;
  if (flowIndicators) allowFlowPlain = false;
  if (blockIndicators) allowBlockPlain = false;
  return { empty: false, multiline: lineBreaks, allowFlowPlain, allowBlockPlain, allowSingleQuoted };
}

// ---------------------------------------------------------------------------
// Emitter.

interface NodeContext {
  root?: boolean;
  sequence?: boolean;
  mapping?: boolean;
  simpleKey?: boolean;
}

type ScalarStyle = '' | "'" | '"' | '|';

const DOUBLE_QUOTE_ESCAPES: Record<string, string> = {
  '\0': '0',
  '\x07': 'a',
  '\x08': 'b',
  '\x09': 't',
  '\x0A': 'n',
  '\x0B': 'v',
  '\x0C': 'f',
  '\x0D': 'r',
  '\x1B': 'e',
  '"': '"',
  '\\': '\\',
  '\x85': 'N',
  '\xA0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

function hex(code: number, width: number): string {
  return code.toString(16).toUpperCase().padStart(width, '0');
}

class Emitter {
  private out = '';
  private column = 0;
  private whitespace = true;
  private indention = true;
  private openEnded = false;
  private indent: number | null = null;
  private readonly indents: Array<number | null> = [];
  private flowLevel = 0;

  emitDocument(root: YamlNode, explicitStart: boolean): string {
    if (explicitStart) {
      this.writeIndent();
      this.writeIndicator('---', true);
    }
    this.emitNode(root, { root: true });
    this.writeIndent();
    if (this.openEnded) {
      this.writeIndicator('...', true);
      this.writeIndent();
    }
    return this.out;
  }

  // -- low level writers

  private write(data: string): void {
    this.out += data;
  }

  private writeIndicator(indicator: string, needWhitespace: boolean, whitespace = false, indention = false): void {
    const data = this.whitespace || !needWhitespace ? indicator : ' ' + indicator;
    this.whitespace = whitespace;
    this.indention = this.indention && indention;
    this.column += Array.from(data).length;
    this.openEnded = false;
    this.write(data);
  }

  private writeIndent(): void {
    const indent = this.indent ?? 0;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) {
      this.writeLineBreak();
    }
    if (this.column < indent) {
      this.whitespace = true;
      this.write(' '.repeat(indent - this.column));
      this.column = indent;
    }
  }

  private writeLineBreak(data = '\n'): void {
    this.whitespace = true;
    this.indention = true;
    this.column = 0;
    this.write(data);
  }

  private writeText(chars: string[], start: number, end: number): void {
    this.column += end - start;
    this.write(chars.slice(start, end).join(''));
  }

  private increaseIndent(flow: boolean, indentless = false): void {
    this.indents.push(this.indent);
    if (this.indent === null) this.indent = flow ? INDENT : 0;
    else if (!indentless) this.indent += INDENT;
  }

  private popIndent(): void {
    this.indent = this.indents.pop() ?? null;
  }

  // -- nodes

  private emitNode(node: YamlNode, context: NodeContext): void {
    if (node.kind === 'scalar') {
      this.increaseIndent(true);
      this.emitScalar(node, context);
      this.popIndent();
    } else if (node.kind === 'seq') {
      if (this.flowLevel || !node.items.length) this.emitEmptyFlow('[', ']');
      else this.emitBlockSequence(node.items, context);
    } else if (this.flowLevel || !node.pairs.length) {
      this.emitEmptyFlow('{', '}');
    } else {
      this.emitBlockMapping(node.pairs);
    }
  }

  /** Only empty collections are written in flow style (`[]`, `{}`). */
  private emitEmptyFlow(open: string, close: string): void {
    this.writeIndicator(open, true, true);
    this.increaseIndent(true);
    this.flowLevel++;
    this.popIndent();
    this.flowLevel--;
    this.writeIndicator(close, false);
    if (this.flowLevel === 0) this.writeLineBreak();
  }

  private emitBlockSequence(items: YamlNode[], context: NodeContext): void {
    // A list under a mapping key is not indented relative to the key.
    const indentless = !!context.mapping && !this.indention;
    this.increaseIndent(false, indentless);
    for (const item of items) {
      this.writeIndent();
      this.writeIndicator('-', true, false, true);
      this.emitNode(item, { sequence: true });
    }
    this.popIndent();
  }

  private emitBlockMapping(pairs: Array<[YamlNode, YamlNode]>): void {
    this.increaseIndent(false);
    for (const [key, value] of pairs) {
      this.writeIndent();
      if (this.isSimpleKey(key)) {
        this.emitNode(key, { mapping: true, simpleKey: true });
        this.writeIndicator(':', false);
      } else {
        this.writeIndicator('?', true, false, true);
        this.emitNode(key, { mapping: true });
        this.writeIndent();
        this.writeIndicator(':', true, false, true);
      }
      this.emitNode(value, { mapping: true });
    }
    this.popIndent();
  }

  /** Short single-line keys are written `key: value`, others as `? key` / `: value`. */
  private isSimpleKey(key: YamlNode): boolean {
    if (key.kind !== 'scalar') return false;
    const tagLength = `!!${key.tag}`.length;
    const analysis = analyze(key.value);
    return tagLength + Array.from(key.value).length < 128 && !analysis.empty && !analysis.multiline;
  }

  private chooseStyle(node: { tag: Tag; value: string; literal: boolean }, analysis: Analysis, context: NodeContext): ScalarStyle {
    const flow = this.flowLevel > 0;
    if (!node.literal && node.tag === resolveTag(node.value)) {
      const plainAllowed = flow ? analysis.allowFlowPlain : analysis.allowBlockPlain;
      if (!(context.simpleKey && (analysis.empty || analysis.multiline)) && plainAllowed) return '';
    }
    if (node.literal && !flow && !context.simpleKey) return '|';
    if (!node.literal && (node.value.includes("'") || node.value.includes('\n'))) return '"';
    if (!node.literal && analysis.allowSingleQuoted && !(context.simpleKey && analysis.multiline)) return "'";
    return '"';
  }

  private emitScalar(node: { tag: Tag; value: string; literal: boolean }, context: NodeContext): void {
    const analysis = analyze(node.value);
    const style = this.chooseStyle(node, analysis, context);
    const split = !context.simpleKey;
    const root = !!context.root;
    if (context.sequence && !this.flowLevel) this.writeIndent();
    if (node.tag === 'binary') this.writeIndicator('!!binary', true);
    if (style === '"') this.writeDoubleQuoted(node.value, split, root);
    else if (style === "'") this.writeSingleQuoted(node.value, split, root);
    else if (style === '|') this.writeLiteral(node.value, root);
    else this.writePlain(node.value, split, root);
  }

  /** A scalar that is the whole document starts on its own indented line. */
  private startRootScalar(root: boolean): void {
    if (root) {
      this.writeLineBreak();
      this.writeIndent();
    }
  }

  private writePlain(text: string, split: boolean, root: boolean): void {
    this.startRootScalar(root);
    if (!text) return;
    if (!this.whitespace) {
      this.column += 1;
      this.write(' ');
    }
    this.whitespace = false;
    this.indention = false;
    const chars = Array.from(text);
    let spaces = false;
    let breaks = false;
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? chars[end] : null;
      if (spaces) {
        if (ch !== ' ') {
          // Fold at a single space once past the line width.
          if (start + 1 === end && this.column > BEST_WIDTH && split) {
            this.writeIndent();
            this.whitespace = false;
            this.indention = false;
          } else {
            this.writeText(chars, start, end);
          }
          start = end;
        }
      } else if (breaks) {
        if (ch === null || !BREAKS.includes(ch)) {
          if (chars[start] === '\n') this.writeLineBreak();
          for (const br of chars.slice(start, end)) this.writeLineBreak(br);
          this.writeIndent();
          this.whitespace = false;
          this.indention = false;
          start = end;
        }
      } else if (ch === null || (' ' + BREAKS).includes(ch)) {
        this.writeText(chars, start, end);
        start = end;
      }
      if (ch !== null) {
        spaces = ch === ' ';
        breaks = BREAKS.includes(ch);
      }
    }
  }

  private writeSingleQuoted(text: string, split: boolean, root: boolean): void {
    this.startRootScalar(root);
    this.writeIndicator("'", true);
    const chars = Array.from(text);
    let spaces = false;
    let breaks = false;
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? chars[end] : null;
      if (spaces) {
        if (ch === null || ch !== ' ') {
          if (start + 1 === end && this.column > BEST_WIDTH && split && start !== 0 && end !== chars.length) {
            this.writeIndent();
          } else {
            this.writeText(chars, start, end);
          }
          start = end;
        }
      } else if (breaks) {
        if (ch === null || !BREAKS.includes(ch)) {
          if (chars[start] === '\n') this.writeLineBreak();
          for (const br of chars.slice(start, end)) this.writeLineBreak(br);
          this.writeIndent();
          start = end;
        }
      } else if (ch === null || (' ' + BREAKS).includes(ch) || ch === "'") {
        if (start < end) {
          this.writeText(chars, start, end);
          start = end;
        }
      }
      if (ch === "'") {
        this.column += 2;
        this.write("''");
        start = end + 1;
      }
      if (ch !== null) {
        spaces = ch === ' ';
        breaks = BREAKS.includes(ch);
      }
    }
    this.writeIndicator("'", false);
  }

  private writeDoubleQuoted(text: string, split: boolean, root: boolean): void {
    this.startRootScalar(root);
    this.writeIndicator('"', true);
    const chars = Array.from(text);
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? chars[end] : null;
      if (ch === null || needsDoubleQuoteEscape(ch)) {
        if (start < end) {
          this.writeText(chars, start, end);
          start = end;
        }
        if (ch !== null) {
          const data = escapeForDoubleQuotes(ch);
          this.column += data.length;
          this.write(data);
          start = end + 1;
        }
      }
      if (end > 0 && end < chars.length - 1 && (ch === ' ' || start >= end) && this.column + (end - start) > BEST_WIDTH && split) {
        // Fold with an escaped line break.
        const data = chars.slice(start, end).join('') + '\\';
        if (start < end) start = end;
        this.column += Array.from(data).length;
        this.write(data);
        this.writeIndent();
        this.whitespace = false;
        this.indention = false;
        if (chars[start] === ' ') {
          this.column += 1;
          this.write('\\');
        }
      }
    }
    this.writeIndicator('"', false);
  }

  private writeLiteral(text: string, root: boolean): void {
    const [hints, hintIndent, chomping] = blockHints(text, root);
    this.writeIndicator('|' + hints, true);
    if (chomping === '+') this.openEnded = true;
    this.writeLineBreak();
    const chars = Array.from(text);
    let breaks = true;
    let start = 0;
    // Like ruamel, literal content does not advance the column counter.
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? chars[end] : null;
      if (breaks) {
        if (ch === null || !BREAKS.includes(ch)) {
          for (const br of chars.slice(start, end)) this.writeLineBreak(br);
          if (ch !== null) {
            if (root) this.write(' '.repeat(hintIndent + (this.indent ?? 0)));
            else this.writeIndent();
          }
          start = end;
        }
      } else if (ch === null || BREAKS.includes(ch)) {
        this.write(chars.slice(start, end).join(''));
        if (ch === null) this.writeLineBreak();
        start = end;
      }
      if (ch !== null) breaks = BREAKS.includes(ch);
    }
  }
}

function needsDoubleQuoteEscape(ch: string): boolean {
  if ('"\\\x85\u2028\u2029\ufeff'.includes(ch)) return true;
  const code = ch.codePointAt(0)!;
  const printable = (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd);
  return !printable;
}

function escapeForDoubleQuotes(ch: string): string {
  const named = DOUBLE_QUOTE_ESCAPES[ch];
  if (named) return '\\' + named;
  const code = ch.codePointAt(0)!;
  if (code <= 0xff) return '\\x' + hex(code, 2);
  if (code <= 0xffff) return '\\u' + hex(code, 4);
  return '\\U' + hex(code, 8);
}

/** Literal block header: indentation hint and chomping indicator (`-` strip, `+` keep). */
function blockHints(text: string, root: boolean): [string, number, string] {
  let indent = 0;
  let hints = '';
  let chomping = '';
  if (text) {
    const chars = Array.from(text);
    if ((' ' + BREAKS).includes(chars[0])) {
      indent = INDENT;
      hints += String(INDENT);
    } else if (root && containsDocumentMarker(text)) {
      indent = INDENT;
    }
    const last = chars[chars.length - 1];
    if (!BREAKS.includes(last)) chomping = '-';
    else if (chars.length === 1 || BREAKS.includes(chars[chars.length - 2])) chomping = '+';
  }
  return [hints + chomping, indent, chomping];
}

/** A `---` or `...` line inside the text (one followed by space or a line end). */
function containsDocumentMarker(text: string): boolean {
  for (const marker of ['\n---', '\n...']) {
    let pos = 0;
    for (;;) {
      pos = text.indexOf(marker, pos);
      if (pos === -1) break;
      if (pos + 4 < text.length && ' \r\n'.includes(text[pos + 4])) break;
      pos += 1;
    }
    if (pos > -1) return pos > 0;
  }
  return false;
}

/** One YAML document for one record, as gcloud's yaml printer writes it. */
export function dumpYamlDocument(record: unknown, options: YamlOptions): string {
  return new Emitter().emitDocument(represent(record, options), options.explicitStart);
}
