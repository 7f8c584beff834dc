// Seeded generators of hostile-but-plausible input for the fuzz suite: command lines built from
// the real command and flag specs (right, wrong and weird values, every flag spelling), --config
// documents and --flags-file documents built as YAML/JSON from the right field names and then
// mutated (truncated, stray characters, tabs, anchors and alias bombs, BOMs, documents, huge
// values). Everything is a pure function of the seed, so any failing input can be replayed.
import * as yaml from 'js-yaml';
import { seededRandom } from '../../src/emulator/faults';
import { COMMANDS } from '../../src/commands';
import { GLOBAL_FLAGS } from '../../src/flags/global-flags';
import { ALLOWED_CONFIG_FIELDS, CONTAINER_CONFIG_FIELDS } from '../../src/config-file/read';

export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = seededRandom(seed);
  }
  float(): number {
    return this.next();
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

/** Paths the driver creates (model directories with odd contents, files of every kind). */
export interface Paths {
  models: string[];
  files: string[];
}

/** A file the input needs: written by the driver under its work directory before the run. */
export interface FuzzFile {
  name: string;
  content: string | Buffer;
}

export interface FuzzInput {
  argv: string[];
  files: FuzzFile[];
}

const STRANGE_TEXT = [
  '',
  ' ',
  'x',
  'v1',
  'V1',
  '1',
  '0',
  '-1',
  '+1',
  '1.5',
  '1e9',
  '99999999999999999999999',
  'NaN',
  'null',
  'true',
  'False',
  'a=b',
  'a=b,c=d',
  'a=',
  '=b',
  ',',
  ',,',
  'a,b',
  'a:b',
  '[a]',
  '{a: b}',
  '"',
  "'",
  '\\',
  '\t',
  '\n',
  'a\nb',
  '%s%n',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${HOME} is meant: strange text the CLI must take as it is
  '${HOME}',
  '$(id)',
  '`id`',
  'üñï©ødé',
  '模型',
  '🙂',
  '\u202e',
  '\uFEFF',
  'a'.repeat(300),
  'b'.repeat(10_000),
  '--',
  '-',
  '--x',
  '-x',
  'gs://',
  'gs://b',
  'gs://b/o',
  'gs://b/o/',
  'gs://B_a-d/..//',
  'gs://bucket/' + 'p/'.repeat(200),
  'http://x',
  '/',
  '.',
  '..',
  '/dev/null',
  '/nonexistent/path',
  'projects/p/models/m',
  'projects//models/',
  'mls1-c1-m2',
  'n1-standard-4',
  'TENSORFLOW',
  'scikit-learn',
  'xgboost',
  '2.11',
  '3.7',
  'us-central1',
  'global',
  'europe-west1',
  'a@b.iam.gserviceaccount.com',
  'nvidia-tesla-t4',
  'count=1,type=nvidia-tesla-k80',
  'count=0',
  'type=',
  'cpu-usage=60',
  'gpu-duty-cycle=101',
  'integrated-gradients',
  'sampled-shapley',
  'xrai',
  'gcr.io/p/i:1',
  '8080',
  '65536',
  'json',
  'yaml',
  'value(name)',
  'table(',
  'value(',
  '[box]',
  'csv[no-heading](name,state)',
  'none',
  'debug',
  'info',
  'critical',
];

const COMMAND_PREFIXES = [[], [], [], ['beta'], ['alpha'], ['gamma'], ['ai-platform'], ['ml-engine']];

/** Every command except the emulator's `start`, which serves until interrupted. */
const FUZZ_COMMANDS = COMMANDS.filter((c) => !(c.path[0] === 'emulators' && c.path[c.path.length - 1] === 'start'));

function flagValue(rng: Rng, paths: Paths, choices?: string[]): string {
  const roll = rng.float();
  if (choices && roll < 0.35) return rng.pick(choices);
  if (roll < 0.5) return rng.pick(paths.models.concat(paths.files));
  if (roll < 0.6) return rng.pick(STRANGE_TEXT) + rng.pick(STRANGE_TEXT);
  return rng.pick(STRANGE_TEXT);
}

/** One flag as the user might type it: --f=v, --f v, bare, negated, abbreviated, misspelt. */
function flagTokens(rng: Rng, paths: Paths, spec: { name: string; kind: string; choices?: string[] }): string[] {
  const value = () => flagValue(rng, paths, spec.choices);
  const roll = rng.float();
  if (spec.kind === 'bool' && roll < 0.6) return [rng.chance(0.2) ? spec.name.replace(/^--/, '--no-') : spec.name];
  if (roll < 0.45) return [`${spec.name}=${value()}`];
  if (roll < 0.8) return [spec.name, value()];
  if (roll < 0.88) return [spec.name];
  if (roll < 0.94) return [`${spec.name.slice(0, 2 + rng.int(spec.name.length - 2))}=${value()}`];
  return [`${spec.name}${rng.pick(['s', '-x', '_', ''])}=${value()}`];
}

export function generateArgv(rng: Rng, paths: Paths): string[] {
  const command = rng.pick(FUZZ_COMMANDS);
  const words = [...rng.pick(COMMAND_PREFIXES), ...command.path];
  if (rng.chance(0.05)) words.splice(rng.int(words.length + 1), rng.int(2), rng.pick(STRANGE_TEXT));
  const argv = [...words];
  for (let i = 0; i < command.positionals.length; i++)
    if (rng.chance(0.9)) argv.push(rng.chance(0.7) ? rng.pick(['v1', 'm', 'iris', 'op-1']) : rng.pick(STRANGE_TEXT));
  const flags = [...command.flags, ...GLOBAL_FLAGS];
  const count = rng.int(7);
  for (let i = 0; i < count; i++) argv.push(...flagTokens(rng, paths, rng.pick(flags)));
  if (rng.chance(0.1)) argv.push(rng.pick(STRANGE_TEXT));
  if (rng.chance(0.05)) argv.splice(rng.int(argv.length + 1), 0, '--');
  return argv;
}

/** A command line that gets far enough to read its --config / --flags-file. */
function createArgv(rng: Rng, paths: Paths): string[] {
  const track = rng.pick([[], ['beta'], ['alpha']]);
  const argv = [
    ...track,
    'ai-platform',
    'versions',
    'create',
    rng.pick(['v1', 'v2', 'x y']),
    `--model=${rng.pick(['m', 'iris', 'missing'])}`,
  ];
  if (rng.chance(0.6))
    argv.push(rng.chance(0.5) ? '--origin=gs://fuzz-models/m/' : `--origin=${rng.pick(paths.models)}`, '--staging-bucket=fuzz-staging');
  if (rng.chance(0.3)) argv.push('--dry-run');
  if (rng.chance(0.2)) argv.push('--async');
  return argv;
}

function randomScalar(rng: Rng): unknown {
  const roll = rng.float();
  if (roll < 0.5) return rng.pick(STRANGE_TEXT);
  if (roll < 0.65) return rng.int(5) - 1;
  if (roll < 0.7) return rng.float() * 1e6;
  if (roll < 0.8) return rng.chance(0.5);
  if (roll < 0.85) return null;
  return rng.pick(['gs://fuzz-models/m/', 'TENSORFLOW', '2.11', '3.7', 'mls1-c1-m2', 'gcr.io/p/i:1']);
}

function randomValue(rng: Rng, depth = 0): unknown {
  const roll = rng.float();
  if (depth > 3 || roll < 0.55) return randomScalar(rng);
  if (roll < 0.75) return Array.from({ length: rng.int(4) }, () => randomValue(rng, depth + 1));
  const keys = [
    'name',
    'target',
    'image',
    'args',
    'env',
    'value',
    'containerPort',
    'minNodes',
    'maxNodes',
    'nodes',
    'metrics',
    'predict',
    'health',
    rng.pick(STRANGE_TEXT),
  ];
  return Object.fromEntries(Array.from({ length: rng.int(4) }, () => [rng.pick(keys), randomValue(rng, depth + 1)]));
}

const CONFIG_FIELDS = [
  ...ALLOWED_CONFIG_FIELDS,
  ...CONTAINER_CONFIG_FIELDS,
  'name',
  'state',
  'acceleratorConfig',
  'explanationConfig',
  'createTime',
  'bogusField',
];

/** Nine references to nine references to …: small text, a billion values if walked naively. */
function aliasBomb(rng: Rng, key: string): string {
  const levels = 4 + rng.int(6);
  const lines = [`${key}: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]`];
  for (let i = 1; i < levels; i++)
    lines.push(
      `${key}${i}: &l${i} [${Array(9)
        .fill(`*l${i - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\n${rng.pick(['labels', 'description', key])}: *l${levels - 1}\n`;
}

const STRAY = [
  ':',
  '- ',
  '[',
  ']',
  '{',
  '}',
  '"',
  "'",
  '\t',
  '\n',
  '&a ',
  '*a',
  '!!binary ',
  '!!python/object ',
  '%YAML 1.1\n',
  '@',
  '`',
  '|',
  '>',
  '#',
  '? ',
  ',',
  '\u0000',
  '\uFEFF',
  '\r',
  '\u00a0',
  '---\n',
  '...\n',
  '<<: *a\n',
  '~',
];

/** Serialises as YAML or JSON, then damages it in one of many ways (or not at all). */
function mutateDocument(rng: Rng, value: unknown, bombKey: string): string | Buffer {
  let text = rng.chance(0.25) ? (JSON.stringify(value, null, rng.chance(0.5) ? 2 : undefined) ?? '') : yaml.dump(value, { lineWidth: -1 });
  const mutations = rng.chance(0.4) ? 0 : 1 + rng.int(3);
  for (let i = 0; i < mutations; i++) {
    const at = rng.int(text.length + 1);
    const roll = rng.float();
    if (roll < 0.3) text = text.slice(0, at) + rng.pick(STRAY) + text.slice(at);
    else if (roll < 0.45) text = text.slice(0, at);
    else if (roll < 0.55) text = text.slice(0, at) + text.slice(at + rng.int(20));
    else if (roll < 0.62) text = aliasBomb(rng, bombKey) + text;
    else if (roll < 0.68) text = `a: &a [*a]\n${text}`;
    else if (roll < 0.74)
      text = text + text; // every key twice
    else if (roll < 0.8) text = `${text}---\n${text}`;
    else if (roll < 0.85) text = `\uFEFF${text}`;
    else if (roll < 0.9) text = text.replace(/\n/g, '\r\n');
    else if (roll < 0.95) text = `${'['.repeat(50 + rng.int(200))}${text}`;
    else return Buffer.from([...Buffer.from(text)].map((b) => (rng.chance(0.05) ? rng.int(256) : b)));
  }
  return text;
}

/** A Version the service accepts; inputs start from parts of it, then go wrong. */
const GOOD_VERSION: Record<string, unknown> = {
  deploymentUri: 'gs://fuzz-models/m/',
  runtimeVersion: '2.11',
  framework: 'TENSORFLOW',
  pythonVersion: '3.7',
  machineType: 'mls1-c1-m2',
  labels: { team: 'fuzz' },
  autoScaling: { minNodes: 1 },
  description: 'fuzzed',
  container: { image: 'gcr.io/p/i:1', ports: [{ containerPort: 8080 }] },
  routes: { predict: '/p', health: '/h' },
};

export function generateConfigInput(rng: Rng, paths: Paths): FuzzInput {
  const version: Record<string, unknown> = Object.fromEntries(Object.entries(GOOD_VERSION).filter(() => rng.chance(0.5)));
  for (let i = rng.int(4); i > 0; i--) version[rng.pick(CONFIG_FIELDS)] = randomValue(rng);
  const document = rng.chance(0.05) ? randomValue(rng) : version;
  return {
    argv: [...createArgv(rng, paths), '--config=config.yaml'],
    files: [{ name: 'config.yaml', content: mutateDocument(rng, document, 'x') }],
  };
}

export function generateFlagsFileInput(rng: Rng, paths: Paths): FuzzInput {
  const create = COMMANDS.find((c) => c.path.join(' ') === 'ai-platform versions create')!;
  const specs = [...create.flags, ...GLOBAL_FLAGS, { name: '--flags-file' }, { name: '--bogus' }, { name: 'model' }, { name: '-x' }];
  const value = (spec: { name: string; choices?: string[] }): unknown => {
    if (spec.name === '--flags-file') return rng.pick(['flags.yaml', 'nested.yaml', 'missing.yaml', '-', ['nested.yaml', 'nested.yaml']]);
    return rng.chance(0.6) ? flagValue(rng, paths, spec.choices) : randomValue(rng);
  };
  const mapping = () =>
    Object.fromEntries(
      Array.from({ length: 1 + rng.int(4) }, () => {
        const spec = rng.pick(specs);
        return [spec.name, value(spec)];
      }),
    );
  const document = rng.chance(0.3) ? Array.from({ length: 1 + rng.int(3) }, mapping) : rng.chance(0.05) ? randomValue(rng) : mapping();
  const files: FuzzFile[] = [
    { name: 'flags.yaml', content: mutateDocument(rng, document, '--x') },
    { name: 'nested.yaml', content: mutateDocument(rng, mapping(), '--y') },
  ];
  const argv = createArgv(rng, paths);
  argv.splice(rng.int(argv.length + 1), 0, ...(rng.chance(0.5) ? ['--flags-file=flags.yaml'] : ['--flags-file', 'flags.yaml']));
  return { argv, files };
}

export function generateTokenInput(rng: Rng, paths: Paths): FuzzInput {
  const token = rng.pick<string | Buffer>([
    '',
    '\n',
    '  ya29.token-with-spaces-around \n\n',
    'ya29.a\nya29.b',
    'ya29.a b',
    'ya29.\u0000x',
    '\uFEFFya29.bom',
    'ya29.' + 'x'.repeat(100_000),
    Buffer.from([0xff, 0xfe, 0x00, 0x41]),
    'ya29.üñï',
  ]);
  return { argv: [...createArgv(rng, paths), '--access-token-file=token-file.txt'], files: [{ name: 'token-file.txt', content: token }] };
}

export function generateInput(rng: Rng, paths: Paths): FuzzInput {
  const roll = rng.float();
  if (roll < 0.45) return { argv: generateArgv(rng, paths), files: [] };
  if (roll < 0.7) return generateConfigInput(rng, paths);
  if (roll < 0.95) return generateFlagsFileInput(rng, paths);
  return generateTokenInput(rng, paths);
}
