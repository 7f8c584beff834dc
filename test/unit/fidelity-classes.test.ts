// Issue 27's classes, table-driven, each expected output as gcloud 528 printed it for the same input
// (its printers through test/unit/format-oracle.py, its parser and progress tracker on the emulator):
// nested :format= table columns, every registered printer, sort keys resolved on the API message, the
// message repr of the object format, gcloud's command suggestions, and its progress tracker's bytes.
// (Bytes through the transform chain: the `bytes through …` groups of transform-cases.json.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { ML_SCHEMA, mlMessage } from '../../src/api/ml-schema';
import { renderFormat } from '../../src/format';
import { messageKeyText, messageRepr } from '../../src/format/message';
import { parseKey } from '../../src/format/lexer';
import { suggestCommands } from '../../src/flags/suggest';
import { Output } from '../../src/ui/output';
import { startProgressTracker } from '../../src/ui/progress';

const MODELS = [
  { name: 'projects/p/models/m1', regions: ['us-central1'], defaultVersion: { name: 'projects/p/models/m1/versions/v1', state: 'READY' } },
  { name: 'projects/p/models/m2', regions: ['us-east1', 'europe-west1'] },
];

// [format, output of gcloud's printer for MODELS as a list]
const PRINTED: Array<[string, string]> = [
  ['table(name.basename(), regions:format="value(.)")', 'NAME\nm1\n    us-central1\nm2\n    us-east1\n    europe-west1\n'],
  [
    'table(name.basename(), defaultVersion:format="table(name.basename(), state)", regions.len())',
    'NAME\nm1    1\n    NAME  STATE\n    v1    READY\nm2    2\n',
  ],
  [
    'table(regions:format="value(.)", name:format=json)',
    'us-central1\nus-east1\neurope-west1\n[\n  "projects/p/models/m1",\n  "projects/p/models/m2"\n]\n',
  ],
  [
    'table[box](name.basename(), synthesize((k:a, v=name), (k:b, v=regions)):format="value(k, v)")',
    '┌──────┐\n│ NAME │\n├──────┤\n│ m1   │\n└──────┘\n    a\tprojects/p/models/m1\n    b\tus-central1\n' +
      '┌──────┐\n│ m2   │\n└──────┘\n    a\tprojects/p/models/m2\n    b\tus-east1;europe-west1\n',
  ],
  [
    'config(name, regions)',
    'name = projects/p/models/m1\n[regions]\n0 = us-central1\nname = projects/p/models/m2\n[regions]\n0 = us-east1\n1 = europe-west1\n',
  ],
  [
    'config[export](name.basename(), defaultVersion)',
    'export defaultVersion_name=projects/p/models/m1/versions/v1\nexport defaultVersion_state=READY\nexport name=m1\nexport name=m2\n',
  ],
  ['config[unset](regions)', 'unset regions_I0\nunset regions_I0\nunset regions_I1\n'],
  [
    'multi[separator="--\\n"](name:format="value(.)", regions:format="value(.)")',
    '--\nprojects/p/models/m1\n--\nus-central1\n--\nprojects/p/models/m2\n--\nus-east1\neurope-west1\n',
  ],
  [
    'diff(name, defaultVersion.name)',
    '--- \n\n+++ \n\n@@ -1,2 +1,2 @@\n\n-: projects/p/models/m1\n+: projects/p/models/m1/versions/v1\n \n--- \n\n+++ \n\n@@ -1,2 +1,2 @@\n\n-: projects/p/models/m2\n+: None\n \n',
  ],
  [
    'object[terminator=END]',
    "{'name': 'projects/p/models/m1', 'regions': ['us-central1'], 'defaultVersion': {'name': 'projects/p/models/m1/versions/v1', 'state': 'READY'}}END\n{'name': 'projects/p/models/m2', 'regions': ['us-east1', 'europe-west1']}END\n",
  ],
];

for (const [format, expected] of PRINTED) {
  test(`--format=${format} prints as gcloud's printer`, () => {
    assert.equal(renderFormat(MODELS, format, { isList: true }), expected);
  });
}

test('multi() refuses a key without a format, as gcloud does', () => {
  assert.throws(() => renderFormat(MODELS, 'multi(name, regions:format=json)', { isList: true }), {
    message: 'name requires format attribute.',
  });
});

// --sort-by keys on the message: [key, the model JSON, what str(Get(message, key)) is in gcloud]
const MODEL = {
  name: 'projects/p/models/m1',
  etag: 'H-QY-5lJgp0=',
  labels: { env: 'b', team: 'x' },
  regions: ['us-central1', 'us-east1'],
  defaultVersion: { name: 'projects/p/models/m1/versions/v1', state: 'READY', packageUris: ['gs://b/p.tar.gz'] },
};
const SORT_KEYS: Array<[string, string]> = [
  ['name', 'projects/p/models/m1'],
  ['labels.env', 'None'],
  ['labels.additionalProperties[1].value', 'x'],
  ['etag', "b'\\x1f\\xe4\\x18\\xfb\\x99I\\x82\\x9d'"],
  ['regions', "['us-central1', 'us-east1']"],
  ['regions[-1]', 'us-east1'],
  ['regions.x', 'None'],
  ['defaultVersion.state', 'READY'],
  ['default_version.package_uris[0]', 'gs://b/p.tar.gz'],
  ['description', 'None'],
  ['nosuch', 'None'],
  [
    'defaultVersion',
    "<GoogleCloudMlV1Version\n name: 'projects/p/models/m1/versions/v1'\n packageUris: ['gs://b/p.tar.gz']\n state: StateValueValuesEnum(READY, 1)>",
  ],
];
for (const [key, expected] of SORT_KEYS) {
  test(`--sort-by=${key} compares ${JSON.stringify(expected)} (resolved on the Model message)`, () => {
    assert.equal(messageKeyText(mlMessage('GoogleCloudMlV1Model'), MODEL, parseKey(key)), expected);
  });
}

test('the object format: an Operation with JSON metadata as apitools prints the message', () => {
  const operation = {
    name: 'projects/p/operations/o',
    done: true,
    metadata: { n: 1, x: 1.5, ok: true, none: null, l: ['a'], o: { k: 'v' } },
  };
  assert.equal(
    messageRepr(ML_SCHEMA, operation, 'GoogleLongrunningOperation'),
    '<GoogleLongrunningOperation\n done: True\n metadata: <MetadataValue\n additionalProperties: [' +
      "<AdditionalProperty\n key: 'n'\n value: <JsonValue\n integer_value: 1>>, " +
      "<AdditionalProperty\n key: 'x'\n value: <JsonValue\n double_value: 1.5>>, " +
      "<AdditionalProperty\n key: 'ok'\n value: <JsonValue\n boolean_value: True>>, " +
      "<AdditionalProperty\n key: 'none'\n value: <JsonValue\n is_null: True>>, " +
      "<AdditionalProperty\n key: 'l'\n value: <JsonValue\n array_value: <JsonArray\n entries: [<JsonValue\n string_value: 'a'>]>>>, " +
      "<AdditionalProperty\n key: 'o'\n value: <JsonValue\n object_value: <JsonObject\n properties: [<Property\n key: 'k'\n value: <JsonValue\n string_value: 'v'>>]>>>]>\n" +
      " name: 'projects/p/operations/o'>",
  );
});

test('--sort-by resolves on the message: a map key compares equal, the next key decides', () => {
  const versions = [
    { name: 'projects/p/models/m/versions/a', labels: { env: 'z' }, runtimeVersion: '2.1' },
    { name: 'projects/p/models/m/versions/b', labels: { env: 'a' }, runtimeVersion: '2.3' },
    { name: 'projects/p/models/m/versions/c', labels: { env: 'm' }, runtimeVersion: '2.2' },
  ];
  const sorted = (sortBy: string[]) =>
    renderFormat(versions, 'value(name.basename())', { isList: true, sortBy, messageType: mlMessage('GoogleCloudMlV1Version') });
  assert.equal(sorted(['labels.env', '~runtimeVersion']), 'b\nc\na\n');
  assert.equal(sorted(['labels.env']), 'a\nb\nc\n');
  // Without the message (a flattened record is JSON), the label's value sorts.
  assert.equal(renderFormat(versions, 'value(name.basename())', { isList: true, sortBy: ['labels.env'] }), 'b\nc\na\n');
});

// gcloud's suggestions over a small command tree: [typed words, suggested commands]
const TREE = [
  ['ai-platform', 'versions', 'create'],
  ['ai-platform', 'versions', 'delete'],
  ['ai-platform', 'versions', 'list'],
  ['ai-platform', 'models', 'list'],
  ['beta', 'ai-platform', 'versions', 'create'],
  ['alpha', 'ai-platform', 'versions', 'create'],
  ['emulators', 'ai-platform', 'start'],
];
const SUGGESTIONS: Array<[string[], string[]]> = [
  [
    ['ai-platform', 'versions', 'lst'],
    ['ai-platform versions create', 'ai-platform versions delete', 'ai-platform versions list'],
  ],
  [
    ['ai-platform', 'modls', 'list'],
    ['ai-platform models list', 'ai-platform versions list', 'ai-platform versions create', 'ai-platform versions delete'],
  ],
  [
    ['beta', 'ai-platform', 'versions', 'craete'],
    ['ai-platform versions create', 'ai-platform versions delete', 'ai-platform versions list'],
  ],
  [['xyzzy'], []],
  [
    ['ai-platform', 'versions', 'remove'],
    ['ai-platform versions delete', 'ai-platform versions create', 'ai-platform versions list'],
  ],
];
for (const [words, expected] of SUGGESTIONS) {
  test(`"${words.join(' ')}" suggests ${JSON.stringify(expected)} (gcloud's scoring)`, () => {
    assert.deepEqual(
      suggestCommands(words, TREE).map((c) => c.join(' ')),
      expected,
    );
  });
}

function captured(console: { terminal: boolean; columns: number }, userOutputEnabled = true): { output: Output; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  const output = new Output({ stdout: stream, stderr: stream, userOutputEnabled, verbosity: 'warning', interactive: false, console });
  return { output, text: () => text };
}

const MESSAGE = 'Creating version (this might take a few minutes)...';
const CLEAR = `\r${' '.repeat(79)}\r`;
// [console, ticks, outcome, what gcloud's tracker wrote]
const PROGRESS: Array<[{ terminal: boolean; columns: number }, number, 'done' | 'failed' | 'aborted', string]> = [
  [{ terminal: false, columns: 80 }, 3, 'done', `${MESSAGE}...\n...done.\n`],
  [{ terminal: false, columns: 80 }, 0, 'failed', `${MESSAGE}...\nfailed.\n`],
  [
    { terminal: true, columns: 80 },
    2,
    'done',
    `${CLEAR}${MESSAGE}...${CLEAR}${MESSAGE}...⠛${CLEAR}${MESSAGE}...⠹${CLEAR}${MESSAGE}...done.\n`,
  ],
  [
    { terminal: true, columns: 80 },
    6,
    'aborted',
    `${CLEAR}${MESSAGE}...${[1, 2, 3, 4, 5, 0].map((i) => `${CLEAR}${MESSAGE}...${'⠏⠛⠹⠼⠶⠧'[i]}`).join('')}${CLEAR}${MESSAGE}...aborted by ctrl-c.\n`,
  ],
  [{ terminal: true, columns: 0 }, 2, 'done', ''],
  [{ terminal: false, columns: 0 }, 2, 'done', ''],
];
for (const [console, ticks, outcome, expected] of PROGRESS) {
  test(`progress ${console.terminal ? 'on a terminal' : 'off a terminal'} ${console.columns} wide, ${ticks} ticks, ${outcome}`, () => {
    const { output, text } = captured(console);
    const tracker = startProgressTracker(MESSAGE, output);
    for (let i = 0; i < ticks; i++) tracker.tick();
    tracker.finish(outcome);
    assert.equal(text(), expected);
  });
}

test('progress on a narrow terminal wraps the line at one less than its width, as gcloud does', () => {
  const { output, text } = captured({ terminal: true, columns: 21 });
  const tracker = startProgressTracker('Deleting model [m1]', output);
  tracker.tick();
  tracker.finish('done');
  const clear = `\r${' '.repeat(20)}\r`;
  assert.equal(text(), `${clear}Deleting model [m1].\n..${clear}..⠛${clear}..done.\n`);
});

test('no progress with user output disabled', () => {
  const { output, text } = captured({ terminal: true, columns: 80 }, false);
  const tracker = startProgressTracker(MESSAGE, output);
  tracker.tick();
  tracker.finish('done');
  assert.equal(text(), '');
});
