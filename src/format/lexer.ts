/**
 * Tokenizer for gcloud resource expressions (`--format`, `--flatten` keys).
 * Handles quoting ("..." / '...' with backslash escapes), dotted keys with
 * [N] / [] indices, and transform call chains. Error messages and the
 * `*HERE*` position marker follow gcloud's wording.
 */
import { FormatError, UnknownTransformError } from './errors';
import { isObject, pyIsSpace } from './python';
import { getKey } from './resource';
import type { Alias, Key, KeyAttribute } from './spec';
import { takesKeywordArgs, Transform, TransformCall, type TransformKwargs, type TransformRegistry } from './transform';

// Key names cannot contain these unless quoted.
const OPERATOR_CHARS = ':=!<>~()';
const RESERVED_OPERATOR_CHARS = OPERATOR_CHARS + '[].{},+*/%&|^#;?';
const QUOTES = `'"`;
const ESCAPE = '\\';

export interface LexerContext {
  aliases: Map<string, Alias>;
  symbols: TransformRegistry;
}

export type Token = string | number | null;

export class Lexer {
  private chars: string[];
  private position = 0;

  constructor(
    expression: string,
    private readonly context: LexerContext = { aliases: new Map(), symbols: new Map() },
  ) {
    this.chars = Array.from(expression);
  }

  endOfInput(position = this.position): boolean {
    return position >= this.chars.length;
  }

  getPosition(): number {
    return this.position;
  }

  setPosition(position: number): void {
    this.position = position;
  }

  /** Skips space; true (consuming it unless peek) if the next space- or `(`-ended token is `name`. */
  isString(name: string, peek = false): boolean {
    if (!this.skipSpace()) return false;
    const end = this.position + Array.from(name).length;
    if (this.chars.slice(this.position, end).join('') !== name) return false;
    if (!this.endOfInput(end) && !pyIsSpace(this.chars[end]) && this.chars[end] !== '(') return false;
    if (!peek) this.position = end;
    return true;
  }

  /** The expression with `*HERE*` marking the position, for error messages. */
  annotate(position = this.position): string {
    let cursor = '*HERE*';
    if (position > 0 && !pyIsSpace(this.chars[position - 1])) cursor = ' ' + cursor;
    if (position < this.chars.length && !pyIsSpace(this.chars[position])) cursor += ' ';
    return this.chars.slice(0, position).join('') + cursor + this.chars.slice(position).join('');
  }

  error(message: string, position?: number): FormatError {
    return new FormatError(`${message} [${this.annotate(position)}].`);
  }

  /** Skips spaces (except those in `terminators`); false at end of input. */
  skipSpace(expected?: string, terminators = ''): boolean {
    while (!this.endOfInput()) {
      const c = this.chars[this.position];
      if (!pyIsSpace(c) || terminators.includes(c)) return true;
      this.position++;
    }
    if (expected) throw this.error(`${expected} expected`);
    return false;
  }

  /** Consumes (unless peek) and returns the next character if it is one of `characters`. */
  isCharacter(characters: string, peek = false, eoiOk = false): string | null {
    if (this.endOfInput()) {
      if (peek || eoiOk) return null;
      throw this.error('More tokens expected');
    }
    const c = this.chars[this.position];
    if (!characters.includes(c)) return null;
    if (!peek) this.position++;
    return c;
  }

  /**
   * A possibly quoted token ending at a space or an unquoted terminator.
   * Returns null for no token; with `convert`, unquoted numbers become numbers.
   */
  token(terminators = '', balanceParens = false, space = true, convert = false): Token {
    let quote: string | null = null;
    let quoted = false;
    let token: string[] | null = null;
    let parens = 0;
    let i = this.position;
    for (; !this.endOfInput(i); i++) {
      let c = this.chars[i];
      if (c === ESCAPE && !this.endOfInput(i + 1)) {
        c = this.chars[i + 1];
        token ??= [];
        // Only escapes of the escape char and quotes are dropped.
        if (c !== ESCAPE && c !== quote && (quote || !QUOTES.includes(c))) token.push(ESCAPE);
        token.push(c);
        i++;
      } else if (c === quote) {
        quote = null;
      } else if (!quote && QUOTES.includes(c)) {
        quote = c;
        quoted = true;
        token ??= [];
      } else if (!quote && pyIsSpace(c) && token === null) {
        // Leading space.
      } else if (!quote && balanceParens && '()'.includes(c)) {
        if (c === '(') {
          parens++;
        } else {
          if (terminators.includes(c) && !parens) break;
          parens--;
        }
        token ??= [];
        token.push(c);
      } else if (!quote && !parens && terminators.includes(c)) {
        break;
      } else if (quote || !pyIsSpace(c) || (token !== null && balanceParens)) {
        token ??= [];
        token.push(c);
      } else if (token !== null) {
        break;
      }
    }
    if (quote) throw this.error(`Unterminated [${quote}] quote`);
    this.position = i;
    if (space) this.skipSpace(undefined, terminators);
    if (token === null) return null;
    const text = token.join('');
    if (convert && text && !quoted) return convertNumber(text);
    return text;
  }

  /** A separator-separated, `)`-terminated argument list; the `(` is already consumed. */
  args(convert = false, separators = ','): Token[] {
    let required = false;
    const args: Token[] = [];
    const terminators = separators + ')';
    for (;;) {
      const here = this.position;
      const arg = this.token(terminators, true, true, convert);
      const end = this.isCharacter(')');
      let separator = end;
      if (!end) {
        separator = this.isCharacter(separators, false, true);
        if (!separator) throw this.error('Closing ) expected in argument list');
      }
      if (arg !== null) {
        if (arg !== '' || !pyIsSpace(separator!)) args.push(arg);
      } else if (required || !end) {
        throw this.error('Argument expected', here);
      }
      if (end) break;
      required = !pyIsSpace(separator!);
    }
    return args;
  }

  /** `*` / `**` before a key name is shorthand for `map().` / `map(2).`. */
  private expandMapShorthand(): void {
    let level = 0;
    while (this.isCharacter('*')) level++;
    if (!level) return;
    const start = this.position - level;
    const replacement = Array.from(`map(${level}).`);
    this.chars = [...this.chars.slice(0, start), ...replacement, ...this.chars.slice(this.position)];
    this.position = start;
  }

  /**
   * A dotted key with [N] / [] indices, e.g. `a.b[0].c[]` => ['a', 'b', 0, 'c', null].
   * A leading alias expands to its key; its attribute is returned with it.
   */
  keyWithAttribute(): [Key, KeyAttribute | null] {
    const key: Key = [];
    let attribute: KeyAttribute | null = null;
    while (!this.endOfInput()) {
      this.expandMapShorthand();
      const here = this.position;
      const name = this.token(RESERVED_OPERATOR_CHARS, false, false);
      if (name) {
        const isFunction = this.isCharacter('(', true, true);
        const alias = typeof name === 'string' ? this.context.aliases.get(name) : undefined;
        if (!key.length && !isFunction && alias) {
          key.push(...alias[0]);
          attribute = alias[1];
        } else {
          key.push(name);
        }
      } else if (!this.isCharacter('[', true)) {
        // A lone '.' names the whole resource.
        if (
          !key.length &&
          this.isCharacter('.') &&
          !this.isCharacter('.', true, true) &&
          (this.endOfInput() || this.isCharacter(RESERVED_OPERATOR_CHARS, true, true))
        ) {
          break;
        }
        throw this.error('Non-empty key name expected', here);
      }
      if (this.endOfInput()) break;
      if (this.isCharacter(']')) throw this.error('Unmatched ] in key', here);
      while (this.isCharacter('[', false, true)) {
        key.push(this.token(']', false, true, true));
        this.isCharacter(']');
      }
      if (!this.isCharacter('.', false, true)) break;
      if (this.endOfInput()) throw this.error('Non-empty key name expected');
    }
    return [key, attribute];
  }

  key(): Key {
    return this.keyWithAttribute()[0];
  }

  /** One transform call; the `(` after its name is already consumed. */
  private transformCall(name: string, active: number | null, mapDepth: number): TransformCall {
    const here = this.position;
    const definition = this.context.symbols.get(name);
    if (!definition) throw new UnknownTransformError(`Unknown transform function ${name} [${this.annotate(here)}].`);
    // format() and enum() get the projection they belong to as their first argument.
    const args: unknown[] = definition.signature.projection ? [this.context] : [];
    const kwargs: TransformKwargs = {};
    const keywords = takesKeywordArgs(definition.signature);
    for (const arg of this.args()) {
      const text = String(arg);
      const eq = text.indexOf('=');
      if (keywords && eq >= 0) kwargs[text.slice(0, eq)] = text.slice(eq + 1);
      else args.push(arg);
    }
    return new TransformCall(name, definition, active, mapDepth, args, kwargs);
  }

  /** A `.`-chained list of transform calls starting with `name(`. */
  transform(name: string, active: number | null): Transform {
    let here = this.position;
    const calls = new Transform();
    let mapDepth = 0;
    let currentActive = active;
    let currentName = name;
    for (;;) {
      const call = this.transformCall(currentName, currentActive, mapDepth);
      if (call.name === 'always') {
        currentActive = null;
      } else if (call.name === 'map') {
        mapDepth = call.args.length ? parseInt(String(call.args[0]), 10) : 1;
      } else if (call.name === 'if') {
        if (call.args.length !== 1) throw this.error('Conditional filter expression expected', here);
        calls.conditional = String(call.args[0]);
      } else if (call.name === 'synthesize') {
        calls.calls.push(synthesizeCall(call));
      } else {
        mapDepth = 0;
        calls.calls.push(call);
      }
      if (!this.isCharacter('.', false, true)) break;
      const next = this.key();
      here = this.position;
      if (!this.isCharacter('(')) throw this.error('Transform function expected', here);
      if (next.length !== 1) throw new UnknownTransformError(`Unknown transform function ${next.join('.')} [${this.annotate(here)}].`);
      currentName = String(next[0]);
    }
    return calls;
  }
}

/**
 * synthesize((name:literal, name=key, key), ...): one new resource per schema, each attribute a literal, a
 * key's value, or (for a bare key) every attribute of that key's dict value.
 */
function synthesizeCall(call: TransformCall): TransformCall {
  const schemas = call.args.map((arg) => {
    const lexer = new Lexer(String(arg));
    if (!lexer.isCharacter('(')) throw new FormatError('(...) args expected in synthesize() transform');
    return lexer.args().map((item) => {
      const attr = String(item);
      const colon = attr.indexOf(':');
      const eq = attr.indexOf('=');
      if (colon >= 0) return { name: attr.slice(0, colon), key: null, literal: attr.slice(colon + 1) };
      if (eq >= 0) return { name: attr.slice(0, eq), key: new Lexer(attr.slice(eq + 1)).key(), literal: null };
      return { name: null, key: new Lexer(attr).key(), literal: null };
    });
  });
  const definition = {
    signature: call.definition.signature,
    apply: (r: unknown) =>
      schemas.map((schema) => {
        const synthesized: Record<string, unknown> = {};
        for (const { name, key, literal } of schema) {
          const value = key ? getKey(r, key, null) : literal;
          if (name) synthesized[name] = value;
          else if (isObject(value)) Object.assign(synthesized, value);
        }
        return synthesized;
      }),
  };
  return new TransformCall(call.name, definition, call.active, call.mapDepth, [], {});
}

const INT_RE = /^[+-]?\d+(?:_\d+)*$/;
const FLOAT_RE = /^[+-]?(?:\d+(?:_\d+)*)?(?:\.(?:\d+(?:_\d+)*)?)?(?:[eE][+-]?\d+(?:_\d+)*)?$/;
const FLOAT_WORD_RE = /^([+-]?)(inf|infinity|nan)$/i;

/** Python's int(token), else float(token), else the token itself. */
function convertNumber(text: string): Token {
  if (INT_RE.test(text)) return Number(text.replace(/_/g, ''));
  if (FLOAT_RE.test(text) && /\d/.test(text)) return Number(text.replace(/_/g, ''));
  const word = FLOAT_WORD_RE.exec(text);
  if (word) {
    const magnitude = word[2].toLowerCase() === 'nan' ? NaN : Infinity;
    return word[1] === '-' ? -magnitude : magnitude;
  }
  return text;
}

/** Parses a standalone key, e.g. a --flatten value (trailing text is ignored, as in gcloud). */
export function parseKey(name: string): Key {
  return new Lexer(name).key();
}

/** The display form of a parsed key, e.g. ['a', 0, 'b c'] => `a[0]."b c"` (inverse of key()). */
export function keyName(key: Key): string {
  const parts: string[] = [];
  for (const part of key) {
    if (part === null || typeof part === 'number') {
      const index = part === null ? '[]' : `[${part}]`;
      if (parts.length) parts[parts.length - 1] += index;
      else parts.push(index);
    } else if (/[^-@\p{L}\p{N}\p{M}\p{Pc}]/u.test(part)) {
      parts.push('"' + part.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"');
    } else {
      parts.push(part);
    }
  }
  return parts.length ? parts.join('.') : '.';
}
