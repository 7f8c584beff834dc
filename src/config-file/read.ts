// `--config FILE`: a YAML (or JSON) Version. gcloud allows only some top-level fields (more on
// beta/alpha); it refuses other or unknown fields (and unknown enum values) with one message
// listing them all. Where gcloud crashes (empty file, a list, a value of the wrong type) we give a
// clean error instead. Each field remembers its line so later errors can say where a value came from.
import { FileTooLargeError, readBounded } from '../io/bounded-read';
import { oversizeProblem } from '../yaml/bounds';
import { UserError } from '../errors';
import { formatYamlProblem, loadYaml, YamlSyntaxError, type DuplicateKey } from '../yaml/load';

/** A Version configuration is a few hundred bytes; this leaves room for any real one. */
const MAX_CONFIG_BYTES = 1024 * 1024;

export const ALLOWED_CONFIG_FIELDS = [
  'autoScaling',
  'deploymentUri',
  'description',
  'framework',
  'labels',
  'machineType',
  'manualScaling',
  'packageUris',
  'predictionClass',
  'pythonVersion',
  'runtimeVersion',
  'serviceAccount',
];
export const CONTAINER_CONFIG_FIELDS = ['container', 'routes'];

/** Every top-level field of the Version message (known to gcloud's generated client). */
const VERSION_FIELDS = new Set([
  'acceleratorConfig',
  'autoScaling',
  'container',
  'createTime',
  'deploymentUri',
  'description',
  'errorMessage',
  'etag',
  'explanationConfig',
  'framework',
  'isDefault',
  'labels',
  'lastMigrationModelId',
  'lastMigrationTime',
  'lastUseTime',
  'machineType',
  'manualScaling',
  'name',
  'packageUris',
  'predictionClass',
  'pythonVersion',
  'requestLoggingConfig',
  'routes',
  'runtimeVersion',
  'serviceAccount',
  'state',
]);
const ENUMS: Record<string, string[]> = {
  framework: ['FRAMEWORK_UNSPECIFIED', 'TENSORFLOW', 'SCIKIT_LEARN', 'XGBOOST'],
  state: ['UNKNOWN', 'READY', 'CREATING', 'FAILED', 'DELETING', 'UPDATING'],
};

export interface ConfigFile {
  path: string;
  version: Record<string, unknown>;
  /** 1-based line of each top-level field, for error messages. */
  lines: Record<string, number>;
  /** Repeated keys: gcloud's parser keeps the first value and warns about the others. */
  duplicates: DuplicateKey[];
}

const isTruthy = (v: unknown) =>
  !(
    v === undefined ||
    v === null ||
    v === false ||
    v === 0 ||
    v === '' ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0)
  );

function topLevelLines(text: string): Record<string, number> {
  const lines: Record<string, number> = {};
  text.split(/\r?\n/).forEach((line, i) => {
    const m = /^["']?([A-Za-z_][\w-]*)["']?\s*:/.exec(line) ?? /^\s*\{?\s*"([A-Za-z_]\w*)"\s*:/.exec(line);
    if (m && !(m[1] in lines)) lines[m[1]] = i + 1;
  });
  return lines;
}

export function readConfigFile(path: string, allowContainerFields: boolean): ConfigFile {
  let text: string;
  try {
    text = readBounded(path, MAX_CONFIG_BYTES);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const reason =
      err instanceof FileTooLargeError
        ? `the file is ${err.message}, too large for a Version configuration`
        : e.code === 'ENOENT'
          ? `[Errno 2] No such file or directory: '${path}'`
          : e.code === 'EISDIR'
            ? `[Errno 21] Is a directory: '${path}'`
            : e.code === 'EACCES'
              ? `[Errno 13] Permission denied: '${path}'`
              : e.message;
    throw new UserError(`Could not read Version configuration file [${path}]:\n\nUnable to read file [${path}]: ${reason}`);
  }
  let data: unknown;
  let duplicates: DuplicateKey[];
  try {
    ({ value: data, duplicates } = loadYaml(text, { duplicates: 'first-wins' }));
  } catch (err) {
    if (!(err instanceof YamlSyntaxError)) throw err;
    const details = formatYamlProblem(err.problem, text, { source: path, snippet: false });
    throw new UserError(`Could not read Version configuration file [${path}]:\n\n${details}`);
  }
  const oversize = oversizeProblem(data);
  if (oversize) throw new UserError(`Could not read Version configuration file [${path}]:\n\nRefused: ${oversize}.`);
  if (data === null || data === undefined) {
    throw new UserError(`Version configuration file [${path}] is empty: it must contain a YAML mapping of Version fields.`);
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new UserError(
      `Version configuration file [${path}] must contain a YAML mapping of Version fields, not ${Array.isArray(data) ? 'a list' : 'a single value'}.`,
    );
  }
  const version = data as Record<string, unknown>;
  const allowed = new Set(allowContainerFields ? [...ALLOWED_CONFIG_FIELDS, ...CONTAINER_CONFIG_FIELDS] : ALLOWED_CONFIG_FIELDS);
  const invalid = Object.keys(version).filter((field) => {
    if (!VERSION_FIELDS.has(field)) return true;
    const value = version[field];
    if (field in ENUMS && typeof value === 'string' && !ENUMS[field].includes(value)) return true;
    return !allowed.has(field) && isTruthy(value);
  });
  if (invalid.length) {
    throw new UserError(
      `Invalid ${invalid.length === 1 ? 'field' : 'fields'} [${invalid.sort().join(', ')}] in configuration file [${path}]. Allowed fields: [${[...allowed].sort().join(', ')}].`,
    );
  }
  const lines = topLevelLines(text);
  checkTypes(version, path, lines);
  return { path, version, lines, duplicates };
}

// ---- value types (gcloud's message conversion would crash on these; we explain instead) ----

type Shape = 'string' | 'int' | 'stringMap' | 'stringList' | { object: Record<string, Shape> } | { list: Shape };

const METRIC: Shape = { object: { name: 'string', target: 'int' } };
const TOP_LEVEL_SHAPES: Record<string, Shape> = {
  deploymentUri: 'string',
  description: 'string',
  framework: 'string',
  machineType: 'string',
  predictionClass: 'string',
  pythonVersion: 'string',
  runtimeVersion: 'string',
  serviceAccount: 'string',
  labels: 'stringMap',
  packageUris: 'stringList',
  manualScaling: { object: { nodes: 'int' } },
  autoScaling: { object: { minNodes: 'int', maxNodes: 'int', metrics: { list: METRIC } } },
  container: {
    object: {
      image: 'string',
      command: 'stringList',
      args: 'stringList',
      env: { list: { object: { name: 'string', value: 'string' } } },
      ports: { list: { object: { containerPort: 'int' } } },
    },
  },
  routes: { object: { predict: 'string', health: 'string' } },
};

function describeValue(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v !== null && typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `'${v}' (a string)`;
  return `${String(v)} (a ${v === null ? 'null' : typeof v})`;
}

function typeProblem(value: unknown, shape: Shape, at: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (shape === 'string') return typeof value === 'string' ? undefined : `${at}: expected a string, found ${describeValue(value)}`;
  if (shape === 'int') return Number.isInteger(value) ? undefined : `${at}: expected an integer, found ${describeValue(value)}`;
  if (shape === 'stringList') {
    if (!Array.isArray(value)) return `${at}: expected a list of strings, found ${describeValue(value)}`;
    const bad = value.findIndex((v) => typeof v !== 'string');
    return bad < 0 ? undefined : `${at}[${bad}]: expected a string, found ${describeValue(value[bad])}`;
  }
  if (shape === 'stringMap') {
    if (typeof value !== 'object' || Array.isArray(value)) return `${at}: expected a mapping of strings, found ${describeValue(value)}`;
    for (const [k, v] of Object.entries(value as object)) {
      if (typeof v !== 'string' && v !== null) return `${at}.${k}: expected a string, found ${describeValue(v)}`;
    }
    return undefined;
  }
  if ('list' in shape) {
    if (!Array.isArray(value)) return `${at}: expected a list, found ${describeValue(value)}`;
    for (let i = 0; i < value.length; i++) {
      const p = typeProblem(value[i], shape.list, `${at}[${i}]`);
      if (p) return p;
    }
    return undefined;
  }
  if (typeof value !== 'object' || Array.isArray(value)) return `${at}: expected a mapping, found ${describeValue(value)}`;
  for (const [k, v] of Object.entries(value as object)) {
    const sub = shape.object[k];
    // Unknown nested fields are passed through as gcloud does; the version schema judges them.
    if (sub) {
      const p = typeProblem(v, sub, `${at}.${k}`);
      if (p) return p;
    }
  }
  return undefined;
}

function checkTypes(version: Record<string, unknown>, path: string, lines: Record<string, number>) {
  for (const [field, shape] of Object.entries(TOP_LEVEL_SHAPES)) {
    const problem = typeProblem(version[field], shape, field);
    if (problem) {
      const where = lines[field] ? `${path}:${lines[field]}` : path;
      throw new UserError(`Invalid value in configuration file [${where}]: ${problem}.`);
    }
  }
}
