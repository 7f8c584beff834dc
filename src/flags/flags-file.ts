// --flags-file=YAML_FILE, expanded into argv tokens before parsing, as gcloud does: each file is a
// mapping of flag → value or a list of such mappings (for flags given more than once). Scalars
// become `--flag=value`; lists and dicts follow `--flag` as already-lexed values; null and booleans
// become a bare `--flag`. Nested --flags-file entries (a path or a list of paths) expand in place;
// a file that includes itself is refused. Every injected token remembers its `file:line`.
import * as fs from 'node:fs';
import { UserError } from '../errors';
import { DUPLICATE_KEY_CONTEXT, formatYamlProblem, loadYaml, YamlSyntaxError } from '../yaml/load';
import { oversizeProblem } from '../yaml/bounds';
import { FileTooLargeError, readBounded } from '../io/bounded-read';
import { scalarToString, type RawValue } from './arg-types';
import type { ArgToken } from './parser';
import { pythonOsError } from './os-error';

const FLAG = '--flags-file';
/** Refuse absurd inputs with bounded memory and time (alias bombs, giant files). */
const MAX_FILE_BYTES = 10 * 1024 * 1024;

const fail = (message: string) => new UserError(message, { command: 'gcloud' });

/** Nested --flags-file entries may name the same file more than once; this many readings in all. */
const MAX_FILES_READ = 100;

function readFlagsFile(file: string, readStdin: () => string): string {
  try {
    if (file === '-') return readStdin();
    // gcloud asks os.path.exists: whatever makes the path unusable (missing, a loop, too long) reads as "not found".
    if (!fs.existsSync(file)) throw fail(`${FLAG} [${file}] not found.`);
    if (fs.statSync(file).isDirectory()) throw fail(`Unable to read file [${file}]: ${pythonOsError({ code: 'EISDIR' }, file)}`);
    return readBounded(file, MAX_FILE_BYTES);
  } catch (err) {
    if (err instanceof UserError) throw err;
    if (err instanceof FileTooLargeError) throw fail(`${FLAG} [${file}] is too large (over ${MAX_FILE_BYTES} bytes).`);
    throw fail(`Unable to read file [${file}]: ${pythonOsError(err, file)}`);
  }
}

/** Line (1-based) of each top-level key of each mapping document item, found by a light scan. */
function keyLines(text: string): { line: number; key: string; item: number }[] {
  const found: { line: number; key: string; item: number }[] = [];
  let item = -1;
  text.split(/\r?\n/).forEach((line, i) => {
    const listItem = /^-\s+["']?(--[\w-]+)["']?\s*:/.exec(line);
    const plain = /^\s{0,2}["']?(--[\w-]+)["']?\s*:/.exec(line);
    if (listItem) {
      item++;
      found.push({ line: i + 1, key: listItem[1], item });
    } else if (plain) {
      if (item < 0) item = 0;
      found.push({ line: i + 1, key: plain[1], item });
    }
  });
  return found;
}

interface Expansion {
  out: ArgToken[];
  readStdin: () => string;
  filesRead: number;
}

function expandFile(file: string, stack: string[], expansion: Expansion): void {
  if (stack.some((entry) => entry.slice(0, entry.lastIndexOf(':')) === file))
    throw fail(`${FLAG} recursive reference (${stack.join(';')}).`);
  if (++expansion.filesRead > MAX_FILES_READ)
    throw fail(`${FLAG} files name other flags files more than ${MAX_FILES_READ} times in all; refused.`);
  const { out } = expansion;
  const text = readFlagsFile(file, expansion.readStdin);
  if (!text) throw fail(`${FLAG} [${file}] is empty.`);
  let data: unknown;
  try {
    data = loadYaml(text, { duplicates: 'refuse' }).value;
  } catch (err) {
    if (!(err instanceof YamlSyntaxError)) throw err;
    const details = formatYamlProblem(err.problem, text, { source: '<unicode string>', snippet: true });
    // gcloud crashes on a repeated flag (its parser's DuplicateKeyError); that one is the command's error.
    if (err.problem.context === DUPLICATE_KEY_CONTEXT) throw new UserError(`${FLAG} [${file}]: ${details}`);
    throw fail(`Failed to parse YAML: ${details}`);
  }
  const oversize = oversizeProblem(data);
  if (oversize) throw fail(`${FLAG} [${file}] refused: ${oversize}.`);
  const lines = keyLines(text);
  const members = Array.isArray(data) ? data : [data];
  members.forEach((member, index) => {
    if (member === null || typeof member !== 'object' || Array.isArray(member)) {
      throw fail(
        `${file}:${Array.isArray(data) ? index + 1 : 1}: ${FLAG} file must contain a dictionary or list of dictionaries of flags.`,
      );
    }
    for (const [name, value] of Object.entries(member as Record<string, RawValue>)) {
      const line = lines.find((l) => l.key === name && (l.item === index || !Array.isArray(data)))?.line ?? 1;
      const location = [...stack, `${file}:${line}`].join(';');
      if (name === FLAG) {
        for (const nested of Array.isArray(value) ? value : [value]) {
          expandFile(scalarToString(nested), [...stack, `${file}:${line}`], expansion);
        }
        continue;
      }
      if (value === null || typeof value === 'boolean') {
        out.push({ value: name, location });
      } else if (typeof value === 'object') {
        out.push({ value: name, location }, { value, location });
      } else {
        out.push({ value: `${name}=${scalarToString(value)}`, location });
      }
    }
  });
}

/** Replaces every --flags-file occurrence in argv by the flags it holds, keeping left-to-right order. */
export function expandFlagsFiles(argv: string[], readStdin: () => string = () => readBounded(0, MAX_FILE_BYTES)): ArgToken[] {
  const out: ArgToken[] = [];
  const expansion: Expansion = { out, readStdin, filesRead: 0 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === FLAG) {
      if (i + 1 >= argv.length) {
        out.push({ value: arg });
        continue;
      }
      expandFile(argv[++i], [], expansion);
    } else if (arg.startsWith(`${FLAG}=`)) {
      expandFile(arg.slice(FLAG.length + 1), [], expansion);
    } else {
      out.push({ value: arg });
    }
  }
  return out;
}
