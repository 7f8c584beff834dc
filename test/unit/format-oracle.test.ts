/**
 * Differential tests: renders each case through the installed gcloud SDK's
 * own printer (test/unit/format-oracle.py) and through renderFormat, and
 * requires byte-identical output (or the same error message).
 * Skipped, visibly, where the SDK is not installed (e.g. CI).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { FormatError, renderFormat } from '../../src/format/format';
import { FORMATS_ADVICE } from '../../src/flags/suggest';
import { DONE_OPERATION, MODELS, ODD, OPERATION, VERSION, VERSIONS } from './format-fixtures';
import { tempDir } from '../support/temp';

interface OracleCase {
  data: unknown;
  format: string;
  flatten?: string[];
  isList?: boolean;
  sortBy?: string[];
  limit?: number;
  defaultFormat?: string;
}

interface OracleResult {
  out: string;
  error?: string;
  errorType?: string;
}

const SDK_ROOT = process.env.CLOUDSDK_ROOT_DIR ?? '/usr/lib/google-cloud-sdk';
const SDK_LIB = join(SDK_ROOT, 'lib');
const ORACLE_SCRIPT = join(__dirname, 'format-oracle.py');

function each(data: unknown, formats: string[], extra: Partial<OracleCase> = {}): OracleCase[] {
  return formats.map((format) => ({ data, format, ...extra }));
}

const LONG_WORDS = 'aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr ssss';
const FLOATS = [1.5, 0.1, 1e-7, 123456789.5, -2.5, 100.25, 0.25, 2.5e-5, 99999.95, 0.1 + 0.2, 1e22, 1.7976931348623157e308];

const CASES: OracleCase[] = [
  // A created version / describe result.
  ...each(VERSION, [
    'json',
    'yaml',
    'default',
    'text',
    'flattened',
    'none',
    'disable',
    'json(acceleratorConfig)',
    'json(explanationConfig)',
    'yaml(explanationConfig)',
    'json(labels)',
    'json(name, labels, packageUris[1], container.ports[0].containerPort)',
    'yaml(autoScaling.metrics[0].name, missing)',
    'value(name)',
    'value(name, state, labels, packageUris, autoScaling.metrics, acceleratorConfig.count)',
    'value(deployment_uri, accelerator_config.type)',
    'value(name.basename(), createTime)',
    'value[separator=","](name, state)',
    "value[separator=' | ', terminator=';\\n'](name, state)",
    'value[quote](description, labels)',
    'get(name)',
    'csv(name, state, description)',
    'csv[no-heading](name, etag)',
    'table(name.basename(), deploymentUri, state)',
    'table[box](name, state)',
    'table[no-heading](name, state)',
    'text(name, labels.env)',
    'json[no-heading]',
    'yaml[no-undefined]',
    'json(name.basename(), labels.list())',
    'table(name:label=ID, state)',
    'value(.)',
    '(name)',
    'table(labels, packageUris, autoScaling)',
  ]),
  // --async: the create operation.
  ...each(OPERATION, [
    'json',
    'yaml',
    'text',
    'value(name)',
    'value(name.basename())',
    'value(metadata.version.state)',
    'table(name.basename(), metadata.operationType, done)',
    'json(metadata.version)',
    'yaml(done, error)',
  ]),
  ...each(DONE_OPERATION, ['json', 'yaml', 'value(done.yesno(), response.state)', 'text(done, response.name)']),
  // List commands.
  ...each(VERSIONS, [
    'json',
    'yaml',
    'text',
    'table(name.basename(), deploymentUri, state)',
    'value(name.basename(), state)',
    'csv(name.basename(), state, isDefault)',
    'table(name.basename(), isDefault.yesno(no=""), errorMessage)',
    'table(name.basename():sort=1:reverse, state)',
    'table(name.basename(), state):(state:sort=1)',
    'table[box,title=Versions](name.basename(), state)',
    'table[all-box](name.basename(), errorMessage)',
    'json(name, requestLoggingConfig.samplingPercentage)',
    'value(requestLoggingConfig.samplingPercentage)',
    'table(name.basename(), deploymentUri, state) json',
    'table(name.basename():label=VERSION, state) table(VERSION)',
    'table(name.basename(), labels:optional, state)',
    'table(name.basename():width=30, state:align=right)',
    'table(missing:optional, name, errorMessage:wrap=8)',
    'table(missing:optional, name.basename(), state):(deploymentUri:sort=1)',
    'text(name, labels)',
    'yaml(name, labels)',
  ]),
  ...each(MODELS, [
    'table(name.basename(), defaultVersion.name.basename())',
    'json',
    'yaml(regions)',
    'value(regions.list())',
    'csv(name, onlinePredictionLogging, description)',
  ]),
  ...each(VERSIONS, ['list', 'list(name, labels, packageUris)', 'list[compact,title=Versions](name.basename(), state)']),
  ...each(['a', 0, '', null, [1, null], { a: null, b: 1.5 }], ['list']),
  ...each([], ['json', 'yaml', 'table(name)', 'value(name)', 'csv(name)', 'text', 'list[title=T]', 'list[title=T,always-display-title]']),
  ...each({}, ['json', 'yaml', 'value(name)']),
  ...each(null, ['json', 'yaml', 'text']),
  // Awkward values through every structured printer.
  ...each(ODD, ['json', 'yaml', 'text', 'value(empty, spaces, multiline, null, zero, pi, big, tiny, flag, emptyList, emptyDict, unicode)']),
  ...each(
    [ODD, { ...ODD, long: 'x' }],
    ['table(empty, spaces, multiline, tab, pi, tiny, flag, unicode)', 'csv(spaces, multiline, tab, quote, colon, nested)'],
  ),
  ...each({ floats: FLOATS }, ['json', 'yaml', 'text', 'value(floats)']),
  ...each(
    FLOATS.map((x) => ({ x })),
    ['value(x, x.float(3))', 'table(x)'],
  ),
  // YAML scalar styles and folding.
  ...[
    'x\n\n',
    '\nx',
    ' x',
    'x ',
    "it's a: b",
    '- x',
    '#x',
    'x #y',
    '',
    '~',
    'null',
    'True',
    '0x1F',
    '1_000',
    '_',
    '1e3',
    '.5',
    '2024-01-01 10:00:00',
    'emoji 😀 ok',
    "😀'",
    '\u0085x',
    '\u00a0x',
    'x\u2028y',
    '---x',
    '@x',
    'a,b[c]{d}',
    '?',
    '? x',
    ':x',
    '-',
    '=',
    '<<',
    '!',
    'a\u0000b\u001bc',
    '\u007f\u0080\u009f\ufeff',
  ].flatMap((s) => each({ s, list: [s] }, ['yaml', 'json'])),
  ...[LONG_WORDS, `it's ${LONG_WORDS}`, `1 ${LONG_WORDS} `, `a\t${LONG_WORDS}`, `日本語 ${LONG_WORDS}`].flatMap((s) =>
    each({ s, list: [s], nested: { deeper: s } }, ['yaml']),
  ),
  ...each({ ['k'.repeat(130)]: 1, 'multi\nkey': 2, '': 3, é: 4, '😀': 5, A: 6 }, ['yaml', 'json', 'text']),
  ...each({ a: null }, ['yaml[null=NONE]', 'yaml[no-undefined]', 'json[no-undefined]']),
  ...each(['abc', 'a\nb', 'a\n---\nb', 5, 1.5, true, null, [], {}], ['yaml', 'json', 'text']),
  ...each('single scalar', ['yaml', 'json', 'value(.)']),
  // Tables: sorting, widths, wrapping, unicode, multi-line cells.
  ...each(
    [
      { n: 'b', v: 2, t: '日本語テキスト' },
      { n: 'a', v: 10, t: 'x\ny' },
      { n: 'c', v: 'x', t: 'e\u0301e\u0301' },
      { n: 'd', t: `${LONG_WORDS} ${LONG_WORDS}` },
    ],
    [
      'table(n, v:sort=1)',
      'table(n:sort=2, v:sort=1:reverse)',
      'table(n:reverse, v)',
      'table(v):(n:sort=1:reverse)',
      'csv(v):(n:sort=1:reverse)',
      'value(v):(n:sort=1)',
      'table(n, t)',
      'table(n, t:wrap)',
      'table(n, t:wrap=20)',
      'table[box](n, t:wrap=30)',
      'table[ascii,box,title=Tést](n, v)',
      'table[title="A rather long title here"](v)',
      'table[pad=4](n, v)',
      'table(n:align=center, v:align=right, t:width=5)',
    ],
  ),
  // CSV quoting and printer attributes.
  ...each(
    [{ n: 'a, "b"', v: [' x', 'y;z', 0, null, '', { a: 1 }], d: { k: 'v,1', j: null } }],
    [
      'csv(n, v, d)',
      'csv[no-heading](n, v, d)',
      "csv[no-quote,separator='|',delimiter='+'](n, v)",
      'value(n, v, d)',
      'value[quote](n, v)',
      "value[separator='\\n'](n, d)",
      "csv(n:label=Name, v:label='My Value')",
    ],
  ),
  // Keys: camel/snake case, slices, metadata lists, quoting, aliases.
  ...each(
    [{ 'a.b': 1, 'c d': { e: 2 }, s: 'hello', l: [{ a: 1 }, { b: 2 }, { a: 3 }], d: { x: { n: 1 }, y: { n: 2 } } }],
    [
      `value("a.b", 'c d'.e)`,
      `text("a.b", 'c d'.e)`,
      'value(s[0], s[-1], s[9], s.x)',
      'value(l.a, l.b, l[].a)',
      'value(d[].n, d[])',
      'json(l[1], l[-1].a)',
      'value(s:alias=S, S.upper())',
    ],
  ),
  ...each(
    [
      {
        metadata: {
          items: [
            { key: 'a', value: 'x' },
            { key: 'b', value: '{"c":1}' },
          ],
        },
        tags: [{ key: 'a', value: 'x' }],
      },
    ],
    ['value(metadata.a, metadata.b, metadata.b.c, tags.a, tags.key)'],
  ),
  // Transforms.
  ...each(VERSIONS, [
    'value(name.segment(1), name.segment(), name.split().len(), packageUris.len(), labels.len())',
    'value(labels.list(show=keys), packageUris.list(), requestLoggingConfig.flatten(), packageUris.join(sep=" "))',
    'value(isDefault.yesno(yes=Y, no=N), state.lower(), firstof(missing, state), extract(state, missing))',
    'value(packageUris.map().basename(), packageUris.*basename(), packageUris.slice(1), name.trailoff(12), uri())',
    'value(packageUris.sort(), container.env.group(name, value), name.always().basename())',
    'table(basename(name), len())',
    'value[no-transforms](name.basename())',
    'json[json-decode](name)',
  ]),
  // --flatten.
  ...each(VERSION, ['json', 'yaml(name, packageUris)', 'value(name.basename(), packageUris)'], { flatten: ['packageUris'] }),
  ...each(VERSION, ['value(autoScaling.metrics.name, autoScaling.metrics.target)'], { flatten: ['autoScaling.metrics'] }),
  ...each(VERSION, ['table(name.basename(), container.ports.containerPort)'], { flatten: ['container.ports'] }),
  ...each(VERSION, ['json'], { flatten: ['labels'] }),
  ...each(VERSION, ['json', 'yaml'], { flatten: ['missing'] }),
  ...each(VERSIONS, ['value(name.basename(), packageUris)', 'json(name)'], { flatten: ['packageUris'] }),
  ...each({ a: [{ b: [1, 2] }, { b: [3] }, { b: [] }], n: null }, ['json', 'value(a.b)'], { flatten: ['a[].b'] }),
  ...each({ a: [{ b: [1, 2] }, { b: [3] }] }, ['value(a.b)'], { flatten: ['a', 'a.b'] }),
  ...each({ a: [null, 1, null], x: 1 }, ['json'], { flatten: ['a'] }),
  ...each([], ['json'], { flatten: ['a'] }),
  ...each(null, ['json'], { flatten: ['a'] }),
  ...each([[1, 2], [3]], ['json', 'yaml', 'value(.)'], { isList: false }),
  // --sort-by, --limit and a command's default format (composed as gcloud's display does).
  ...each(VERSIONS, ['', 'json', 'value(name)', 'table(state)', 'table(VERSION, state)', 'yaml(name)'], {
    defaultFormat: 'table(name.basename():label=VERSION, deploymentUri, state)',
  }),
  ...each(VERSIONS, ['json(name)', 'value(name.basename(), state)', 'table(name.basename(), state)', 'csv(state)'], {
    sortBy: ['~state'],
  }),
  ...each(VERSIONS, ['value(name.basename(), state)', 'table(name.basename(), isDefault)'], { sortBy: ['isDefault', '~name'] }),
  ...each(VERSIONS, [''], { sortBy: ['state'], defaultFormat: 'table(name.basename(), deploymentUri, state)' }),
  ...each([{ n: 'b', v: 2 }, { n: 'a', v: 10 }, { n: 'c', v: 1 }, { n: 'd' }], ['json', 'table(n, v)', 'value(n)'], { sortBy: ['v'] }),
  ...each(VERSIONS, ['json(name)', 'value(name)', 'table(name)'], { limit: 2 }),
  ...each(VERSIONS, ['json(name)'], { limit: 0 }),
  ...each(VERSION, ['json(name)', 'value(name)'], { limit: 1 }),
  ...each(VERSION, ['value(packageUris)'], { flatten: ['packageUris'], sortBy: ['~packageUris'], limit: 1 }),
  ...each(VERSION, ['json(name)'], { sortBy: ['name'] }),
  ...each(VERSIONS, ['value(name)'], { sortBy: ['labels[].env', 'packageUris[]'] }),
  // Errors.
  ...each(VERSION, [
    'foo',
    'table(name',
    'table(name.nope())',
    'table',
    'value',
    'csv()',
    'value[x',
    'json(name:foo=1)',
    'json(name:sort)',
    'json(name:reverse=1)',
    'json(name:align=middle)',
    'json(a b)',
    'json[a b]',
    'json(a.)',
    'json(a])',
    "json('a)",
    'json(a.basename(x,))',
    'json(a.basename().)',
    'json(a.basename().b.c())',
    '12json',
    '',
    '  json  ',
    'json yaml',
    'table(\n  name.basename(),\n  state\n)',
  ]),
];

/** Deterministic random resources built from YAML/CSV-sensitive fragments. */
function fuzzCases(count: number, seed: number): OracleCase[] {
  let state = seed;
  const random = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
  const fragments = [
    ' ',
    '  ',
    'a',
    'word',
    ':',
    ': ',
    '#',
    ' #',
    '-',
    '- ',
    "'",
    '"',
    '\\',
    '\n',
    '\t',
    'é',
    '日本',
    '😀',
    '?',
    ',',
    '[',
    '{',
    '}',
    '&',
    '*',
    '!',
    '|',
    '>',
    '%',
    '@',
    '`',
    'true',
    'null',
    '1',
    '0x1',
    '.5',
    '1e3',
    '~',
    '---',
    '\u00a0',
    '\u0085',
    '\r',
    'x'.repeat(30),
    'yes',
    '2024-01-01',
    '=',
    '<<',
  ];
  const text = (): string => Array.from({ length: Math.floor(random() * 6) }, () => pick(fragments)).join('');
  const value = (depth: number): unknown => {
    const r = random();
    if (depth > 3 || r < 0.45) return text();
    if (r < 0.55) return Math.floor(random() * 1000) - 500;
    if (r < 0.6) return (random() - 0.5) * 10 ** (Math.floor(random() * 20) - 10);
    if (r < 0.65) return random() < 0.5;
    if (r < 0.7) return null;
    if (r < 0.85) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
    const entries = Array.from({ length: Math.floor(random() * 4) }, (_, i) => [random() < 0.7 ? 'abcd'[i] : text(), value(depth + 1)]);
    return Object.fromEntries(entries);
  };
  const formats = ['yaml', 'json', 'text', 'value(a, b, c)', 'csv(a, b, c)', 'table(a, b, c)', 'table[box](a, b)', 'list'];
  const cases: OracleCase[] = [];
  for (let i = 0; i < count; i++) {
    const resource = { a: value(0), b: value(0), c: value(1) };
    const data = random() < 0.3 ? [resource, resource] : resource;
    for (const format of formats) cases.push({ data, format });
  }
  return cases;
}

const FUZZ_CASES = fuzzCases(40, 20240101);

function findPython(): string {
  const bundled = join(SDK_ROOT, 'platform', 'bundledpythonunix', 'bin', 'python3');
  return process.env.CLOUDSDK_PYTHON ?? (existsSync(bundled) ? bundled : 'python3');
}

function runOracle(cases: OracleCase[]): OracleResult[] {
  const config = tempDir('gcloud-aip-oracle-');
  try {
    const input = cases.map((c) => ({ ...c, single: !(c.isList ?? Array.isArray(c.data)) }));
    const run = spawnSync(findPython(), [ORACLE_SCRIPT], {
      input: JSON.stringify(input),
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: {
        ...process.env,
        CLOUDSDK_CONFIG: config,
        GCLOUD_SDK_LIB: SDK_LIB,
        PYTHONIOENCODING: 'utf-8',
        COLUMNS: '80',
        LINES: '24',
      },
    });
    if (run.status !== 0) throw new Error(`gcloud oracle failed (${run.status}): ${run.stderr || run.error}`);
    return JSON.parse(run.stdout) as OracleResult[];
  } finally {
    rmSync(config, { recursive: true, force: true });
  }
}

function render(c: OracleCase): { out: string } | { error: string } {
  try {
    const { data, format, ...options } = c;
    return { out: renderFormat(data, format, { ...options, terminalWidth: 80 }) };
  } catch (error) {
    if (error instanceof FormatError) return { error: error.message };
    throw error;
  }
}

function caseName(c: OracleCase, index: number): string {
  const flags = [
    c.flatten && `--flatten=${c.flatten.join(',')}`,
    c.sortBy && `--sort-by=${c.sortBy.join(',')}`,
    c.limit !== undefined && `--limit=${c.limit}`,
    c.defaultFormat && `(default ${JSON.stringify(c.defaultFormat)})`,
  ];
  const flatten = flags
    .filter(Boolean)
    .map((f) => ' ' + f)
    .join('');
  const data = JSON.stringify(c.data) ?? 'undefined';
  return `#${index} --format=${JSON.stringify(c.format)}${flatten} on ${data.length > 60 ? data.slice(0, 57) + '...' : data}`;
}

if (!existsSync(SDK_LIB) || !existsSync(ORACLE_SCRIPT)) {
  test('renderFormat matches gcloud (differential)', (t) => {
    t.skip(`gcloud SDK not installed: ${SDK_LIB} not found (set CLOUDSDK_ROOT_DIR to point at one)`);
  });
} else {
  const expected = runOracle([...CASES, ...FUZZ_CASES]);
  const check = (c: OracleCase, want: OracleResult): void => {
    const got = render(c);
    if (want.error !== undefined) {
      // Deliberate: gcloud-aip has no `gcloud topic`, so its advice points where the topic is published.
      const error = want.error.replace('For information on output formats:\n  $ gcloud topic formats\n', FORMATS_ADVICE);
      assert.deepEqual(got, { error }, `gcloud raised ${want.errorType}`);
    } else {
      assert.deepEqual(got, { out: want.out });
    }
  };
  describe(`renderFormat matches gcloud's printer (${CASES.length} cases)`, () => {
    for (const [index, c] of CASES.entries()) test(caseName(c, index), () => check(c, expected[index]));
  });
  test(`renderFormat matches gcloud's printer on ${FUZZ_CASES.length} generated cases`, () => {
    FUZZ_CASES.forEach((c, index) => {
      try {
        check(c, expected[CASES.length + index]);
      } catch (error) {
        if (error instanceof Error) error.message = `generated ${caseName(c, index)}\n${error.message}`;
        throw error;
      }
    });
  });
}
