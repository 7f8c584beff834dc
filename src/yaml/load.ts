// YAML loading for --flags-file and --config with gcloud's semantics on top of js-yaml:
// duplicate keys keep the FIRST value (ruamel's SafeLoader, which warns) or are refused (where
// gcloud crashes on them), and syntax errors are described the way ruamel describes them
// ("while parsing a flow node" …), because scripts and people match on gcloud's first line.
import * as yaml from 'js-yaml';
import { describeSyntaxError, type YamlMark, type YamlProblem } from './describe-error';

export class YamlSyntaxError extends Error {
  constructor(readonly problem: YamlProblem) {
    super(problem.context ?? problem.problem);
  }
}

export interface DuplicateKey {
  key: string;
  mark: YamlMark;
}

export interface LoadedYaml {
  value: unknown;
  /** Later occurrences of a key already present in the same mapping (their values were dropped). */
  duplicates: DuplicateKey[];
}

export const DUPLICATE_KEY_CONTEXT = 'while constructing a mapping';

/**
 * gcloud reads YAML 1.1 (ruamel, version 1.1), where `yes`/`on`/`y` are booleans, `0777` is octal,
 * `1_000` is a thousand and `1:30` is ninety; js-yaml's default is YAML 1.2. Same tags, 1.1 rules.
 */
const YAML11_BOOL = new yaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (text: string) => /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/.test(text),
  construct: (text: string) => /^(?:y|Y|yes|Yes|YES|true|True|TRUE|on|On|ON)$/.test(text),
  predicate: (value: unknown) => typeof value === 'boolean',
});

const YAML11_INT_PATTERN = /^[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|0[0-7_]+|0|[1-9][0-9_]*(?::[0-5]?[0-9])*)$/;

function yaml11Int(text: string): number {
  const sign = text.startsWith('-') ? -1 : 1;
  const digits = text.replace(/^[-+]/, '').replace(/_/g, '');
  if (digits.startsWith('0b')) return sign * parseInt(digits.slice(2), 2);
  if (digits.startsWith('0x')) return sign * parseInt(digits.slice(2), 16);
  if (digits.length > 1 && digits.startsWith('0')) return sign * parseInt(digits, 8);
  return sign * digits.split(':').reduce((total, part) => total * 60 + Number(part), 0);
}

const YAML11_INT = new yaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (text: string) => YAML11_INT_PATTERN.test(text) && /[0-9]/.test(text.replace(/^[-+]?0[bx]/, '')),
  construct: yaml11Int,
  predicate: (value: unknown) => Number.isInteger(value),
});

const YAML11_SCHEMA = yaml.DEFAULT_SCHEMA.extend({ implicit: [YAML11_BOOL, YAML11_INT] });

/** More duplicates than this is not a hand-written file; stop rewriting and refuse it. */
const MAX_DUPLICATES = 100;

/**
 * Parses one YAML document. `duplicates: 'first-wins'` keeps the first value of a repeated key and
 * reports the repeats; `'refuse'` throws a YamlSyntaxError naming the first repeat.
 */
export function loadYaml(text: string, options: { duplicates: 'first-wins' | 'refuse' }): LoadedYaml {
  const duplicates: DuplicateKey[] = [];
  let source = text;
  const placeholder = uniquePlaceholder(text);
  for (;;) {
    try {
      const value = yaml.load(source, { schema: YAML11_SCHEMA });
      return { value: duplicates.length ? withoutPlaceholders(value, placeholder) : value, duplicates };
    } catch (err) {
      if (!(err instanceof yaml.YAMLException)) throw err;
      const mark = markOf(err, source);
      if (err.reason !== 'duplicated mapping key' || !mark) throw new YamlSyntaxError(describeSyntaxError(err.reason, mark, text));
      const key = keyTokenAt(source, mark.position);
      const duplicate = { key: unquote(key), mark };
      if (options.duplicates === 'refuse') {
        throw new YamlSyntaxError({
          context: DUPLICATE_KEY_CONTEXT,
          problem: `found duplicate key "${duplicate.key}"`,
          problemMark: mark,
        });
      }
      if (duplicates.length >= MAX_DUPLICATES) {
        throw new YamlSyntaxError({ problem: `found more than ${MAX_DUPLICATES} duplicate keys`, problemMark: mark });
      }
      duplicates.push(duplicate);
      // Rename this occurrence so the parser keeps the first one; the renamed entries are dropped.
      source = `${source.slice(0, mark.position)}${placeholder}${duplicates.length}${source.slice(mark.position + key.length)}`;
    }
  }
}

function markOf(err: yaml.YAMLException, text: string): YamlMark | undefined {
  const mark = err.mark as { line?: number; column?: number; position?: number } | undefined;
  if (!mark || mark.position === undefined) return undefined;
  return { line: (mark.line ?? 0) + 1, column: (mark.column ?? 0) + 1, position: Math.min(mark.position, text.length) };
}

/** The key as written at `position`: a quoted scalar, or plain text up to its `: `. */
function keyTokenAt(text: string, position: number): string {
  const rest = text.slice(position);
  const quoted = /^"(?:[^"\\]|\\.)*"|^'(?:[^']|'')*'/.exec(rest);
  if (quoted) return quoted[0];
  const plain = /^[^\n]*?(?=\s*:(?:\s|$))/.exec(rest);
  return plain ? plain[0] : (/^[^\s:,}\]]*/.exec(rest)?.[0] ?? '');
}

function unquote(key: string): string {
  if (key.startsWith('"')) {
    try {
      return JSON.parse(key) as string;
    } catch {
      return key.slice(1, -1);
    }
  }
  return key.startsWith("'") ? key.slice(1, -1).replace(/''/g, "'") : key;
}

function uniquePlaceholder(text: string): string {
  let candidate = 'gcloud-aip-duplicate-key-';
  while (text.includes(candidate)) candidate += 'x';
  return candidate;
}

/** Drops the renamed duplicate entries; objects reached twice through aliases are visited once. */
function withoutPlaceholders(value: unknown, placeholder: string, seen = new Set<object>()): unknown {
  if (value === null || typeof value !== 'object' || seen.has(value)) return value;
  seen.add(value);
  if (Array.isArray(value)) {
    for (const item of value) withoutPlaceholders(item, placeholder, seen);
    return value;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key.startsWith(placeholder)) delete record[key];
    else withoutPlaceholders(record[key], placeholder, seen);
  }
  return value;
}

/**
 * Renders a problem the way gcloud prints ruamel's errors: context (with its mark), problem (with
 * its mark). `snippet` adds the offending source line and a caret, as --flags-file errors show.
 */
export function formatYamlProblem(problem: YamlProblem, text: string, options: { source: string; snippet: boolean }): string {
  const lines = text.split('\n');
  const where = (mark: YamlMark) => {
    const head = `  in "${options.source}", line ${mark.line}, column ${mark.column}`;
    if (!options.snippet) return head;
    const sourceLine = (lines[mark.line - 1] ?? '').replace(/\r$/, '');
    return `${head}:\n    ${sourceLine}\n    ${' '.repeat(mark.column - 1)}^ (line: ${mark.line})`;
  };
  const out: string[] = [];
  const sameMark = problem.contextMark && problem.problemMark && problem.contextMark.position === problem.problemMark.position;
  if (problem.context) {
    out.push(problem.context);
    if (problem.contextMark && !sameMark) out.push(where(problem.contextMark));
  }
  out.push(problem.problem);
  if (problem.problemMark) out.push(where(problem.problemMark));
  return out.join('\n');
}
