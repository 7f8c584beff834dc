// A gcloud-compatible argument parser. gcloud uses Python argparse plus its own extensions, and
// scripts depend on its exact behaviour: `--flag value` and `--flag=value`, flags before or after
// the positional, a value that looks like a flag is refused ("expected one argument"), type errors
// reported as they are met left to right, unknown arguments collected and reported together (with
// "did you mean" and other-release-track hints), then required arguments checked.
import { ArgumentError } from '../errors';
import { FlagValueError, type RawValue } from './arg-types';
import { trackWords, type FlagSpec, type PositionalSpec, type Track } from './spec';
import { closestMatch, HELP_SEARCH_ADVICE } from './suggest';

/** One command-line token; tokens injected by --flags-file remember their file:line. */
export interface ArgToken {
  value: RawValue;
  location?: string;
}

export interface ParsedArgs {
  values: Record<string, unknown>;
  /** dests given explicitly on the command line (gcloud's IsSpecified). */
  specified: Set<string>;
}

export interface ParserSpec {
  /** `gcloud ai-platform versions create`, for messages and hints. */
  commandWords: string[];
  track: Track;
  positionals: readonly PositionalSpec[];
  flags: readonly FlagSpec[];
  /** Flags this command has on other tracks (for the "available in alternate release tracks" hint). */
  otherTrackFlags: readonly FlagSpec[];
  /** The release tracks that have this command (default: all three). */
  commandTracks?: Track[];
}

/** argparse's test for "this token is an option, not a value". */
function looksLikeFlag(token: string, known: Map<string, FlagSpec>): boolean {
  if (!token.startsWith('-') || token === '-') return false;
  if (known.has(token)) return true;
  if (token.includes('=') && known.has(token.slice(0, token.indexOf('=')))) return true;
  if (/^-\d+$|^-\d*\.\d+$/.test(token)) return false;
  if (token.includes(' ')) return false;
  return true;
}

function trackPrefix(track: Track): string {
  return trackWords(track)
    .map((word) => `${word} `)
    .join('');
}

export function parseArgs(tokens: ArgToken[], spec: ParserSpec): ParsedArgs {
  const byName = new Map<string, FlagSpec>();
  for (const f of spec.flags) {
    byName.set(f.name, f);
    if (f.negatable) byName.set(f.name.replace(/^--/, '--no-'), f);
  }
  const values: Record<string, unknown> = {};
  const specified = new Set<string>();
  const unknown: ArgToken[] = [];
  const positionalsLeft = [...spec.positionals];
  let onlyPositionals = false;

  const parsed: ParsedArgs = { values, specified };
  const store = (f: FlagSpec, raw: RawValue, location?: string) => storeValue(parsed, f, convertValue(f, raw, spec, location), location);

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const text = token.value;
    if (typeof text !== 'string') {
      // A lexed list/dict from --flags-file that no flag consumed.
      unknown.push(token);
      continue;
    }
    if (!onlyPositionals && text === '--') {
      onlyPositionals = true;
      continue;
    }
    if (onlyPositionals || !looksLikeFlag(text, byName)) {
      const positional = positionalsLeft.shift();
      if (positional) {
        values[positional.dest] = text;
        specified.add(positional.dest);
      } else {
        unknown.push(token);
      }
      continue;
    }
    const eq = text.indexOf('=');
    const name = eq >= 0 && text.startsWith('--') ? text.slice(0, eq) : text;
    const f = byName.get(name);
    if (!f) {
      unknown.push(token);
      continue;
    }
    if (f.kind === 'bool') {
      if (eq >= 0) throw new ArgumentError(`argument ${f.name}: ignored explicit argument '${text.slice(eq + 1)}'`);
      values[f.dest] = !(f.negatable && name !== f.name);
      specified.add(f.dest);
      continue;
    }
    if (eq >= 0) {
      store(f, text.slice(eq + 1), token.location);
      continue;
    }
    const next = tokens[i + 1];
    if (!next || (typeof next.value === 'string' && looksLikeFlag(next.value, byName))) {
      throw new ArgumentError(`argument ${f.name}: expected one argument`);
    }
    i++;
    store(f, next.value, next.location ?? token.location);
  }

  if (unknown.length) throw unrecognizedArguments(unknown, spec);

  const missing = [
    ...positionalsLeft.map((p) => p.name),
    ...spec.flags.filter((f) => f.required && !specified.has(f.dest)).map((f) => f.name),
  ];
  if (missing.length) throw new ArgumentError(`argument ${missing.join(' ')}: Must be specified.`);
  return { values, specified };
}

/** A flag's raw value converted by its type and checked against its choices (argparse's errors, naming a flags file). */
function convertValue(f: FlagSpec, raw: RawValue, spec: ParserSpec, location?: string): unknown {
  let value: unknown = raw;
  try {
    value = f.parse ? f.parse(raw) : typeof raw === 'string' ? raw : String(raw);
  } catch (err) {
    if (err instanceof FlagValueError) {
      throw new ArgumentError(`argument ${f.name}: ${err.message}${fromFlagsFile(location)}`);
    }
    throw err;
  }
  if (f.choices) {
    if (f.choiceSpelling === 'normalized') value = normalizeChoice(String(value));
    if (!f.choices.includes(String(value))) {
      const error = invalidChoice(f, String(value), spec);
      error.message += fromFlagsFile(location);
      throw error;
    }
  }
  return value;
}

/** Stores a flag's value: the last occurrence wins, or (`repeat: 'accumulate'`) every occurrence merges. */
function storeValue({ values, specified }: ParsedArgs, f: FlagSpec, value: unknown, location?: string): void {
  if (f.repeat === 'accumulate') {
    try {
      values[f.dest] = updateAction(specified.has(f.dest) ? values[f.dest] : undefined, value);
    } catch (err) {
      if (err instanceof FlagValueError) throw new ArgumentError(`argument ${f.name}: ${err.message}${fromFlagsFile(location)}`);
      throw err;
    }
  } else {
    values[f.dest] = value;
  }
  specified.add(f.dest);
}

/**
 * calliope's UpdateAction: every occurrence of the flag merges into one list or dict, and an item
 * (list) or key (dict) met twice is an error — within one value too for lists (`--ports 80,80`),
 * across occurrences for dicts (one ArgDict value keeps the last of a repeated key). Items and
 * values are shown converted, as Python's str() prints them.
 */
function updateAction(previous: unknown, next: unknown): unknown {
  if (next instanceof Map) {
    const merged = new Map(previous instanceof Map ? previous : []);
    for (const [key, value] of next) {
      if (merged.has(key)) {
        throw new FlagValueError(
          `"${pyText(key)}" cannot be specified multiple times; received: ${pyText(merged.get(key))}, ${pyText(value)}`,
        );
      }
      merged.set(key, value);
    }
    return merged;
  }
  if (Array.isArray(next)) {
    const merged = Array.isArray(previous) ? [...previous] : [];
    for (const item of next) {
      if (merged.includes(item)) throw new FlagValueError(`"${pyText(item)}" cannot be specified multiple times`);
      merged.push(item);
    }
    return merged;
  }
  return next;
}

function pyText(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}

/**
 * Where a --flags-file value came from, on a line of its own: gcloud's first line stays exactly
 * gcloud's (scripts match on it) and the file and line follow it.
 */
function fromFlagsFile(location: string | undefined): string {
  return location ? `\n(from --flags-file ${location.split(';').reverse().join(', included from ')})` : '';
}

/** calliope's ChoiceArgument value type: underscores become hyphens, then lower case. */
export function normalizeChoice(value: string): string {
  return value.replace(/_/g, '-').toLowerCase();
}

/**
 * gcloud's refusal of a value not among the choices. Its parser first looks the value up as a
 * sub-command of this command in the other release tracks; an empty value names the command
 * itself, so it gets the "alternate release tracks" message (with no flag name) instead.
 */
function invalidChoice(f: FlagSpec, value: string, spec: ParserSpec): ArgumentError {
  const others = (spec.commandTracks ?? ['GA', 'BETA', 'ALPHA']).filter((t) => t !== spec.track);
  if (value === '' && others.length) {
    const tries = others
      .sort((a, b) => trackPrefix(a).localeCompare(trackPrefix(b)))
      .map((t) => `gcloud ${trackPrefix(t)}${spec.commandWords.join(' ')}`);
    return new ArgumentError(
      `Invalid choice: ''.\nThis command is available in one or more alternate release tracks.  Try:\n  ${tries.join('\n  ')}`,
      'none',
    );
  }
  const choices = [...(f.choices ?? [])].sort();
  const suggestion = closestMatch(value.toLowerCase(), choices);
  const message = suggestion
    ? `argument ${f.name}: Invalid choice: '${value}'. Did you mean '${suggestion}'?`
    : `argument ${f.name}: Invalid choice: '${value}'.\n\nValid choices are [${choices.join(', ')}].`;
  return new ArgumentError(message, 'none');
}

/** gcloud's "unrecognized arguments" message, one entry per unknown token, with hints. */
function unrecognizedArguments(unknown: ArgToken[], spec: ParserSpec): ArgumentError {
  const flagNames = spec.flags.filter((f) => !f.hidden).map((f) => f.name);
  const messages: string[] = [];
  for (const token of unknown) {
    const text = typeof token.value === 'string' ? token.value : JSON.stringify(token.value);
    const [flagName, value] = text.split('=', 2);
    const display = token.location ? `${text} (${token.location})` : text;
    if (messages.includes(display)) continue;
    const suggestion = flagName.startsWith('--') || value ? closestMatch(flagName.toLowerCase(), flagNames) : undefined;
    const elsewhere = spec.otherTrackFlags.filter((f) => f.name === flagName).flatMap((f) => f.tracks);
    if (elsewhere.length && !elsewhere.includes(spec.track)) {
      const tries = [...new Set(elsewhere)]
        .sort((a, b) => a.localeCompare(b))
        .map((t) => `gcloud ${trackPrefix(t)}${spec.commandWords.join(' ')} ${flagName}`);
      messages.push(`\n ${flagName} flag is available in one or more alternate release tracks. Try:\n`);
      messages.push(tries.join('\n  ') + '\n');
    }
    messages.push(suggestion ? `${display} (did you mean '${suggestion}'?)` : display);
  }
  const [separator, prefix] = messages.length > 1 ? ['\n  ', ''] : [' ', '\n\n'];
  messages.push(`${prefix}${HELP_SEARCH_ADVICE}`);
  return new ArgumentError(`unrecognized arguments:${separator}${messages.join(separator)}`, 'none');
}
