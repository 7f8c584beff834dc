/**
 * gcloud's `--filter` expressions: a Boolean expression over resource keys, applied to each item a
 * list command prints (after --flatten, before --sort-by and --limit).
 *
 * Grammar (as gcloud parses it): terms `[-]key OP operand` with OP one of `:` `=` `!=` `<` `<=`
 * `>` `>=` `~` `!~`; `key:(a b)` / `key=(a,b)` match any listed operand; a bare word matches any
 * value in the resource; `NOT`, `AND`, `OR` and adjacency (AND); parentheses are required where
 * AND and OR are combined. Keys may end in transforms (`name.basename()=v1`).
 *
 * Matching follows gcloud's current (not its announced future) rules: `:` is a case-insensitive
 * substring match with one optional `*` (`abc*` prefix, `*abc` suffix, `a*c` whole value, `*` any
 * non-empty value); `=` / `!=` compare whole values case-insensitively; numbers compare as numbers
 * (`true` / `false` as 1 / 0); `~` is an unanchored regular expression.
 */
import { basicTransforms } from './builtin-transforms';
import { FormatError, UnknownTransformError } from './errors';
import { Lexer, keyName, type Token } from './lexer';
import { pyStr } from './python';
import { getKey } from './resource';
import type { Key } from './spec';
import type { Transform, TransformRegistry } from './transform';

export interface Filter {
  matches(resource: unknown): boolean;
}

/** Warnings gcloud prints while filtering (on stderr, as `WARNING: …`). */
export type Warn = (message: string) => void;

type Operator = ':' | '=' | '!=' | '<' | '<=' | '>' | '>=' | '~' | '!~';
const OPERATORS: Operator[] = [':', '=', '!=', '<', '<=', '>', '>=', '~', '!~'];
const OPERATOR_FIRST_CHARS = ':=!<>~';
const OPERATOR_SECOND_CHARS = '=~';
/** Characters that end a bare restriction word. */
const RESTRICTION_TERMINATORS = ':=!<>~()';
const LOGICAL = ['AND', 'NOT', 'OR'];
const NUMERIC_CONSTANTS: Record<string, number> = { false: 0, true: 1 };

const TRUE: Filter = { matches: () => true };

/** A compiled expression and the resource keys its terms look at. */
interface Compiled {
  filter: Filter;
  keys: Key[];
}

/** Compiles a --filter expression; throws FormatError with gcloud's wording for syntax errors. */
export function compileFilter(
  expression: string,
  warn: Warn = () => undefined,
  bareWord: (word: string) => Filter = globalRestriction,
): Filter {
  return new FilterParser(expression, new MatchWarnings(warn), bareWord).parse().filter;
}

/**
 * The items of `resources` the expression selects. Like gcloud, warns about keys no resource has
 * (usually a typo) and about matches gcloud says will change.
 */
export function applyFilter(resources: unknown[], expression: string, warn: Warn = () => undefined): unknown[] {
  const tap = new FilterTap(expression, warn);
  const selected = resources.filter((r) => tap.matches(r));
  tap.done();
  return selected;
}

/**
 * gcloud's filter tap, one resource at a time: `matches` as the resources stream past, `done` once
 * the stream is exhausted — only then are keys no resource had reported (a list cut short by
 * --limit never reports them, as in gcloud).
 */
export class FilterTap {
  private readonly filter: Filter;
  private missing: Key[];

  /** `symbols`: the transforms a key may call (by default all but format() and filter()). */
  constructor(
    expression: string,
    private readonly warn: Warn = () => undefined,
    symbols?: TransformRegistry,
  ) {
    const compiled = new FilterParser(expression, new MatchWarnings(warn), globalRestriction, symbols).parse();
    this.filter = compiled.filter;
    this.missing = uniqueKeys(compiled.keys);
  }

  matches(resource: unknown): boolean {
    this.missing = this.missing.filter((key) => getKey(resource, key, MISSING) === MISSING);
    return this.filter.matches(resource);
  }

  done(): void {
    if (!this.missing.length) return;
    const names = this.missing.map((key) => key.map(String).join('.')).sort();
    this.warn(`The following filter keys were not present in any resource : ${names.join(', ')}`);
  }
}

const MISSING = Symbol('missing');

function uniqueKeys(keys: Key[]): Key[] {
  const seen = new Map<string, Key>();
  for (const key of keys) seen.set(JSON.stringify(key), key);
  return [...seen.values()];
}

// ---- parser (a port of gcloud's recursive-descent grammar) ----------------------------------------

const AND_GROUP = 'AND';
const OR_GROUP = 'OR';

class FilterParser {
  private readonly lex: Lexer;
  private readonly groups: Set<string>[] = [new Set()];
  private readonly keys: Key[] = [];

  constructor(
    expression: string,
    private readonly warnings: MatchWarnings,
    /** What a bare word means: by default, "some value of the resource contains it". */
    private readonly bareWord: (word: string) => Filter = globalRestriction,
    symbols: TransformRegistry = basicTransforms(),
  ) {
    this.lex = new Lexer(expression, { aliases: new Map(), symbols });
  }

  parse(): Compiled {
    const tree = this.expr();
    if (!this.lex.endOfInput()) throw new FormatError(`Unexpected tokens [${this.lex.annotate()}] in expression.`);
    return { filter: tree ?? TRUE, keys: this.keys };
  }

  /** gcloud insists on parentheses where AND and OR meet, so precedence is never a surprise. */
  private checkGrouping(op: string): void {
    const group = this.groups[this.groups.length - 1];
    group.add(op);
    if (group.size > 1) {
      throw new FormatError(`Parenthesis grouping is required when AND and OR are are combined [${this.lex.annotate()}].`);
    }
  }

  private term(must = false): Filter | null {
    const here = this.lex.getPosition();
    if (!this.lex.skipSpace()) {
      if (must) throw new FormatError(`Term expected [${this.lex.annotate(here)}].`);
      return null;
    }
    if (this.lex.isCharacter(')', true)) return null;
    if (this.lex.isCharacter('(')) {
      this.groups.push(new Set());
      const tree = this.expr();
      this.lex.isCharacter(')');
      this.groups.pop();
      return tree;
    }
    const invert = Boolean(this.lex.isCharacter('-'));
    const keyStart = this.lex.getPosition();
    let key: Key | null = null;
    let transform: Transform | null = null;
    let restriction: string | null = null;
    let syntaxError: FormatError | null = null;
    try {
      [key, transform] = this.key();
    } catch (err) {
      if (!(err instanceof FormatError) || err instanceof UnknownTransformError) throw err;
      syntaxError = err;
      this.lex.setPosition(keyStart);
      const token = this.lex.token(RESTRICTION_TERMINATORS, false, false);
      restriction = token === null ? null : String(token);
    }
    const opStart = this.lex.getPosition();
    const operator = this.operator();
    if (!operator) {
      if (transform) throw new FormatError(`Operator expected [${this.lex.annotate(opStart)}].`);
      if (restriction === 'AND' || restriction === 'OR') throw new FormatError(`Term expected [${this.lex.annotate()}].`);
      const word = restriction ?? keyName(key ?? []);
      const tree = this.bareWord(word);
      return invert ? not(tree) : tree;
    }
    if (syntaxError) throw syntaxError;
    this.lex.skipSpace('Operand');
    const operandStart = this.lex.getPosition();
    if (LOGICAL.some((w) => this.lex.isString(w, true))) {
      throw new FormatError(`Logical operator not expected [${this.lex.annotate(operandStart)}].`);
    }
    let operands: Token[];
    if ((operator === ':' || operator === '=') && this.lex.isCharacter('(')) {
      operands = this.lex.args(false, ' \t\n,').filter((a) => !LOGICAL.includes(String(a)));
    } else {
      const token = this.lex.token('()');
      if (token === null) throw new FormatError(`Term operand expected [${this.lex.annotate(operandStart)}].`);
      operands = [token];
    }
    this.keys.push(key!);
    const tree = comparison(key!, transform, operator, operands.map(String), this.warnings);
    return invert ? not(tree) : tree;
  }

  /** A key, optionally ending in a transform call chain (`name.basename()`). */
  private key(): [Key, Transform | null] {
    const key = this.lex.key();
    if (key.length && LOGICAL.includes(String(key[0]))) throw new FormatError(`Term expected [${this.lex.annotate()}].`);
    if (this.lex.isCharacter('(', false, true)) {
      const name = String(key.pop());
      return [key, this.lex.transform(name, null)];
    }
    return [key, null];
  }

  private operator(): Operator | null {
    if (!this.lex.skipSpace()) return null;
    const here = this.lex.getPosition();
    let op = this.lex.isCharacter(OPERATOR_FIRST_CHARS);
    if (!op) return null;
    if (!this.lex.endOfInput()) op += this.lex.isCharacter(OPERATOR_FIRST_CHARS + OPERATOR_SECOND_CHARS) ?? '';
    if (!OPERATORS.includes(op as Operator)) throw new FormatError(`Malformed operator [${this.lex.annotate(here)}].`);
    this.lex.skipSpace('Term operand');
    return op as Operator;
  }

  private andTerm(must = false): Filter | null {
    if (this.lex.isString('NOT')) return not(this.termOrThrow());
    return this.term(must);
  }

  private termOrThrow(): Filter {
    return this.term(true)!;
  }

  private orTerm(must = false): Filter | null {
    let tree = this.andTerm();
    if (tree) {
      if (this.lex.isString('AND')) {
        this.checkGrouping(AND_GROUP);
        tree = and(tree, this.required(this.orTerm(true)));
      }
    } else if (must) {
      throw new FormatError(`Term expected [${this.lex.annotate()}].`);
    }
    return tree;
  }

  private adjTerm(must = false): Filter | null {
    let tree = this.orTerm();
    if (tree) {
      if (this.lex.isString('OR')) {
        this.checkGrouping(OR_GROUP);
        tree = or(tree, this.required(this.adjTerm(true)));
      }
    } else if (must) {
      throw new FormatError(`Term expected [${this.lex.annotate()}].`);
    }
    return tree;
  }

  private expr(must = false): Filter | null {
    let tree = this.adjTerm();
    if (tree) {
      this.lex.skipSpace();
      if (!this.lex.isString('AND', true) && !this.lex.isString('OR', true) && !this.lex.isCharacter(')', true) && !this.lex.endOfInput()) {
        tree = and(tree, this.required(this.expr(true)));
      }
    } else if (must) {
      throw new FormatError(`Term expected [${this.lex.annotate()}].`);
    }
    return tree;
  }

  private required(tree: Filter | null): Filter {
    if (!tree) throw new FormatError(`Term expected [${this.lex.annotate()}].`);
    return tree;
  }
}

// ---- evaluation ---------------------------------------------------------------------------------

function not(tree: Filter): Filter {
  return { matches: (r) => !tree.matches(r) };
}

function and(left: Filter, right: Filter): Filter {
  return { matches: (r) => left.matches(r) && right.matches(r) };
}

function or(left: Filter, right: Filter): Filter {
  return { matches: (r) => left.matches(r) || right.matches(r) };
}

/** A bare word: true if any value anywhere in the resource contains it (case-insensitively). */
function globalRestriction(word: string): Filter {
  const pattern = new RegExp(escapeRegExp(word), 'i');
  const search = (value: unknown): boolean => {
    if (value === null || value === undefined || value === '' || value === false) return false;
    if (typeof value === 'string') return pattern.test(value);
    if (typeof value === 'number' || typeof value === 'boolean') return pattern.test(pyStr(value));
    if (Array.isArray(value)) return value.some(search);
    if (typeof value === 'object') return Object.values(value as Record<string, unknown>).some(search);
    return false;
  };
  return { matches: search };
}

/** Lower case with accents stripped, as gcloud normalises text before word matching. */
function normalize(value: unknown): string {
  const text = typeof value === 'string' ? value : pyStr(value);
  return text.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isNaN(n) ? undefined : n;
}

interface Operand {
  text: string;
  number?: number;
  /** `true` / `false`: compared as 1 / 0 only, never as text. */
  constant: boolean;
}

function operand(text: string): Operand {
  const constant = NUMERIC_CONSTANTS[text.toLowerCase()];
  if (constant !== undefined) return { text, number: constant, constant: true };
  return { text, number: toNumber(text), constant: false };
}

/**
 * gcloud matches `:` and `=` by its current rules but also checks its announced future ones (whole
 * words), and warns once per operator kind when the two disagree.
 */
class MatchWarnings {
  private readonly warned = new Set<string>();

  constructor(private readonly warn: Warn) {}

  disagree(kind: string, key: Key, op: string, operand: string, matches: boolean): void {
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    this.warn(
      `--filter : operator evaluation is changing for consistency across Google APIs.  ${keyName(key)}${op}${operand} currently ` +
        `${matches ? 'matches' : 'does not match'} but ${matches ? 'will not match' : 'will match'} in the near future.  Run \`gcloud topic filters\` for details.`,
    );
  }
}

interface WordPattern {
  operand: Operand;
  /** gcloud's current rule; undefined for `:*` (any non-empty value, no future rule). */
  current?: RegExp;
  future: RegExp;
}

const WORD_FLAGS = 'imu';

/** `:` — `abc` substring, `abc*` prefix, `*abc` suffix, `a*c` whole value; in future: words. */
function hasPattern(o: Operand): WordPattern {
  if (o.text === '*') return { operand: o, future: /./u };
  const normalized = normalize(o.text);
  const parts = normalized.split('*');
  if (parts.length > 2) throw new FormatError(`At most one * expected in : patterns [${o.text}].`);
  const future = new RegExp(`\\b${escapeRegExp(normalized.replace(/\*$/, ''))}${normalized.endsWith('*') ? '' : '\\b'}`, WORD_FLAGS);
  const [left, right = ''] = parts.map(escapeRegExp);
  let source: string;
  if (parts.length === 1) source = left;
  else if (o.text.startsWith('*')) source = `${right}$`;
  else if (o.text.endsWith('*')) source = `^${left}`;
  else source = `^${left}.*${right}$`;
  return { operand: o, current: new RegExp(source, WORD_FLAGS), future };
}

/** `=` — the whole value; in future: a word of it. */
function equalsPattern(o: Operand): WordPattern {
  const word = escapeRegExp(normalize(o.text));
  return { operand: o, current: new RegExp(`^${word}$`, WORD_FLAGS), future: new RegExp(`\\b${word}\\b`, WORD_FLAGS) };
}

interface WordTerm {
  kind: 'has' | 'eq';
  op: string;
  key: Key;
  warnings: MatchWarnings;
}

function wordMatch(term: WordTerm, value: unknown, pattern: WordPattern): boolean {
  const { operand } = pattern;
  let text: string;
  if (typeof value === 'number' || typeof value === 'boolean') {
    const n = Number(value);
    if (operand.number !== undefined && n === operand.number) return true;
    if (n === 0 && operand.text.toLowerCase() === 'false') return true;
    if (n === 1 && operand.text.toLowerCase() === 'true') return true;
    text = pyStr(value).replace(/\.0*$/, '');
  } else if (value === operand.text) {
    return true;
  } else if (value === null || value === undefined) {
    if (operand.text === '') return true;
    if (operand.text === '*' && term.kind === 'has') return false;
    text = 'null';
  } else {
    text = normalize(value);
  }
  const future = pattern.future.test(text);
  if (!pattern.current) return future;
  const current = pattern.current.test(text);
  // Dict values are matched by keys and values; gcloud does not warn about those.
  if (current !== future) term.warnings.disagree(term.kind, term.key, term.op, operand.text, current);
  return current;
}

function matchesWord(term: WordTerm, value: unknown, patterns: WordPattern[]): boolean {
  let values: unknown[];
  let quiet = term;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    values = [...Object.keys(value), ...Object.values(value)];
    quiet = { ...term, warnings: SILENT };
  } else if (Array.isArray(value)) {
    values = value;
  } else {
    values = [value];
  }
  return values.some((v) => patterns.some((p) => wordMatch(quiet, v, p)));
}

const SILENT = new MatchWarnings(() => undefined);

function comparison(key: Key, transform: Transform | null, op: Operator, texts: string[], warnings: MatchWarnings): Filter {
  const operands = texts.map(operand);
  if (op === ':' || op === '=' || op === '!=') {
    const term: WordTerm = { kind: op === ':' ? 'has' : 'eq', op, key, warnings };
    const patterns = operands.map(op === ':' ? hasPattern : equalsPattern);
    const matches = (value: unknown) => matchesWord(term, value, patterns);
    // Word matching looks at every operand itself, so it runs once per value.
    return valueFilter(key, transform, (value) => (op === '!=' ? !matches(value) : matches(value)));
  }
  const isRegex = op === '~' || op === '!~';
  const apply = isRegex ? regexTest(texts[0], op === '~') : COMPARISONS[op];
  return valueFilter(key, transform, (value) =>
    operands.some((o) => {
      // Like gcloud: numerically first where both sides are numbers; then as they are; then a
      // scalar as its text, and a missing value as ''.
      if (o.number !== undefined && !isRegex) {
        const n = pythonNumber(value);
        if (n !== undefined) {
          if (apply(n, o.number)) return true;
          if (!o.constant) return false;
        }
      }
      if (value === null || value === undefined) return apply('', o.text);
      if (typeof value === 'string') return apply(value, o.text);
      return typeof value !== 'object' && apply(pyStr(value), o.text);
    }),
  );
}

type Comparison = (value: number | string, operand: number | string) => boolean;

const COMPARISONS: Record<'<' | '<=' | '>' | '>=', Comparison> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

/** `~` / `!~`: an unanchored regular expression over the value's text (numbers never match as numbers). */
function regexTest(pattern: string, wanted: boolean): Comparison {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, 'u');
  } catch (err) {
    throw new FormatError(`Filter expression RE pattern [${pattern}]: ${(err as Error).message}`);
  }
  return (value) => typeof value === 'string' && regex.test(value) === wanted;
}

/** Python's int()/float() of a value, as gcloud tries it; undefined where Python would raise. */
function pythonNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value !== 'string') return undefined;
  return toNumber(value);
}

/** Looks up the key (and its transform); a list value matches if any of its items does. */
function valueFilter(key: Key, transform: Transform | null, test: (value: unknown) => boolean): Filter {
  return {
    matches: (resource) => {
      let value = getKey(resource, key, null);
      if (transform) value = transform.evaluate(value, resource);
      const values = Array.isArray(value) && value.length ? value : [value];
      return values.some(test);
    },
  };
}
