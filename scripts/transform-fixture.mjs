#!/usr/bin/env node
// Regenerates test/unit/transform-cases.json: every builtin transform of gcloud's table over a table of
// resource values and argument spellings, rendered by the installed gcloud SDK's own printer (through
// test/unit/format-oracle.py, the differential oracle of test/unit/format-oracle.test.ts), with TZ=UTC.
// The unit test replays the fixture without gcloud. It also redoes the outputs of
// test/unit/fidelity-date-cases.json (date() called directly). Usage: node scripts/transform-fixture.mjs && npm run format
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SDK_ROOT = process.env.CLOUDSDK_ROOT_DIR ?? '/usr/lib/google-cloud-sdk';

const VALUES = [
  null,
  0,
  1,
  1536,
  3600,
  90061.5,
  -5,
  1e-5,
  1234567890123,
  0.25,
  true,
  false,
  '',
  'abc',
  '42',
  '3600s',
  'P1DT2H',
  'PT36H',
  'P1Y2M3DT4H5M6.5S',
  '-PT90M',
  'P0',
  '2026-12-02T09:03:41.797Z',
  '2026-12-02T09:03:41+05:30',
  '2026-12-02',
  'https://ml.googleapis.com/v1/projects/p/regions/us-central1/models/m%20x',
  'projects/p/zones/us-east1-b/instances/i',
  'gs://bucket/dir/file.txt',
  'aGVsbG8gd29ybGQ=',
  'aGVsbG8',
  'héllo wörld',
  'CAUTION means GO',
  [],
  [1, 2, 3],
  ['b', 'a', 'c'],
  [
    { n: 'x', v: 1 },
    { n: 'y', v: 2 },
  ],
  {},
  { a: 1, b: 'two' },
  { width: 1920, height: 1080 },
  { x: 3, y: 4 },
  { maxWidth: 5 },
];

const CALLS = [
  'duration()',
  'duration(parts=1)',
  'duration(parts=0, precision=1)',
  'duration(calendar=false)',
  'duration(unit=1000)',
  'duration(precision=x, undefined=U)',
  'duration(undefined=NONE)',
  'size()',
  'size(zero=none)',
  'size(precision=3)',
  'size(units_in=K)',
  'size(units_out=M)',
  'size(units_in=1024, units_out=G, precision=2)',
  'size(min=2048)',
  'iso()',
  'iso(undefined=none)',
  'scope()',
  'scope(projects)',
  'scope(models, zones)',
  'enum(foo)',
  'enum(foo, undefined=U)',
  'format("<{}>")',
  'format("{0!r}")',
  'format("{0:>10}|")',
  'format("{:.2f}")',
  'format("{0:,}")',
  'format("{0[0]}")',
  'format("{}-{}")',
  'format("{1}")',
  'format("}")',
  'format("{0:d}")',
  'regex(^a)',
  'regex(b, does_match=YES, nomatch=NO)',
  'sub(a, X)',
  'sub(A, X, ignorecase=false)',
  'sub("(b)(c)", "\\\\2\\\\1")',
  'sub(a, X, count=1)',
  'encode(base64)',
  'encode(utf-8)',
  'encode(ascii)',
  'decode(base64)',
  'decode(utf-8, undefined=U)',
  'color(red=CAUTION)',
  'color(green=zzz)',
  'resolution()',
  'resolution(transpose=1, undefined=U)',
  'filter("n:x")',
  'synthesize((name:up, v=b), (a))',
  'basename(1, 2, 3)',
  'basename(foo=1)',
  'basename(undefined=1, r=2)',
  'len(1)',
  'decode()',
  'sub(a)',
  'format()',
  'segment(x)',
];

const SPECIAL = [
  // Keyless format() reads keys of the resource through the projection.
  {
    data: { name: 'projects/p/models/m1', regions: ['us-central1'], n: 1.5 },
    format: 'value(format("{0}|{1}|{2:.3f}", name.basename(), regions, n))',
  },
  { data: { name: 'projects/p/models/m1' }, format: 'table(name.basename():label=NAME, format("[{0}]", name))' },
  { data: { name: 'projects/p/models/m1' }, format: 'value(name.error())' },
  { data: { name: 'projects/p/models/m1' }, format: 'value(name.error(boom))' },
  { data: { name: 'projects/p/models/m1' }, format: 'value(name.fatal(bang))' },
  { data: { name: 'projects/p/models/m1' }, format: 'value(name, state.if(uri))' },
  { data: { name: 'projects/p/models/m1' }, format: 'value(name.if())' },
  { data: { name: 'projects/p/models/m1' }, format: 'value(name.synthesize(a))' },
  {
    data: { a: '2020-01-01T00:00:00Z', b: '2020-01-02T03:00:00.5Z' },
    format: 'value(duration(start=a, end=b), duration(start=a, end=b, parts=4))',
  },
  { data: { a: '2020-01-01T00:00:00Z', b: 'x' }, format: 'value(duration(start=a, end=b, undefined=U))' },
  { data: { x: 5 }, format: 'value(x.duration(unit=0))' },
  { data: { x: 5 }, format: 'value(x.size(min=x))' },
  {
    data: {
      items: [
        { n: 'b', v: 1 },
        { n: 'a', v: 2048 },
      ],
    },
    format: 'table(items.map().format("{0[n]:>3}"), items.map().size())',
  },
];

// decode() gives bytes, which each printer shows its own way.
for (const format of ['json', 'yaml', 'text', 'csv', 'table', 'value']) {
  for (const x of [
    'aGk=',
    'J3F1b3RlJyBhbmQgIg==',
    'aGVsbG8g4pyTIHdvcmxkIGFuZCBhIGxvbmcgdGFpbCB0byBmb2xkIG92ZXIgc2V2ZW50eS1zaXggY2hhcmFjdGVycyBvZiBiYXNlNjQ=',
    '_-8=',
  ]) {
    SPECIAL.push({ data: { x, l: [x] }, format: `${format}(x.decode(base64), l.map().decode(base64), x.decode(base64).len())` });
  }
}

// Bytes through the chain (decode() gives bytes, and gcloud passes them on as bytes): every call above
// and the transforms that treat a value as a sequence, on text, quotes, UTF-8 and bytes UTF-8 refuses.
const BYTES_CALLS = [
  ...CALLS,
  'len()',
  'join()',
  'join(-)',
  'slice(1:3)',
  'slice(0)',
  'slice(::-1)',
  'trailoff(4)',
  'trailoff(40)',
  'count()',
  'sort()',
  'notnull()',
  'split()',
  'list()',
  'flatten()',
  'lower()',
  'upper()',
  'basename()',
  'firstof(a)',
  'segment(0)',
  'yesno()',
  'float()',
  'group()',
  'extract(a)',
  'uri()',
  'date()',
  'map().encode(base64)',
  'decode(latin-1)',
  'decode(utf-16)',
  'decode(ascii)',
  'decode(nosuch)',
  'encode(latin-1)',
  'encode(base64).decode(base64).encode(base64)',
];
for (const x of ['aGk=', 'J3F1b3RlJyBhbmQgIg==', 'aMOpbGxv', '_-8=', '']) {
  for (const call of BYTES_CALLS) SPECIAL.push({ data: { x }, format: `value(x.decode(base64).${call})` });
}
for (const format of ['list', 'get', 'flattened', 'default', 'config', 'object']) {
  SPECIAL.push({ data: { x: 'aMOpbGxv', l: ['_-8='] }, format: `${format}(x.decode(base64), l.map().decode(base64))` });
}

const cases = [...SPECIAL];
// What is read relative to now cannot be a fixture: a time's duration() (until now), and iso() of a
// duration or of '' (a time from now).
const isTime = (v) => typeof v === 'string' && /^\d{4}-\d\d-\d\d/.test(v);
const isDuration = (v) => typeof v === 'string' && (v === '' || /^[-+]?P|^\d+s$/i.test(v));
const relativeToNow = (value, call) => (call.startsWith('duration(') && isTime(value)) || (call.startsWith('iso(') && isDuration(value));
for (const value of VALUES) {
  for (const call of CALLS) if (!relativeToNow(value, call)) cases.push({ data: { x: value }, format: `value(x.${call})` });
}

const python = join(SDK_ROOT, 'platform', 'bundledpythonunix', 'bin', 'python3');

function runOracle(cases) {
  const config = mkdtempSync(join(tmpdir(), 'gcloud-aip-oracle-'));
  try {
    const run = spawnSync(existsSync(python) ? python : 'python3', [join(ROOT, 'test', 'unit', 'format-oracle.py')], {
      input: JSON.stringify(cases.map((c) => ({ ...c, single: true }))),
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: {
        ...process.env,
        CLOUDSDK_CONFIG: config,
        GCLOUD_SDK_LIB: join(SDK_ROOT, 'lib'),
        PYTHONIOENCODING: 'utf-8',
        TZ: 'UTC',
        COLUMNS: '80',
      },
    });
    if (run.status !== 0) throw new Error(`gcloud oracle failed (${run.status}): ${run.stderr}`);
    return JSON.parse(run.stdout);
  } finally {
    rmSync(config, { recursive: true, force: true });
  }
}

// And only the cases a second run repeats are kept (in case some other value is read relative to now).
const first = runOracle(cases);
const second = runOracle(cases);
const fixture = cases.map((c, i) => ({ ...c, ...first[i] })).filter((_, i) => JSON.stringify(first[i]) === JSON.stringify(second[i]));
writeFileSync(join(ROOT, 'test', 'unit', 'transform-cases.json'), `${JSON.stringify(fixture, null, 1)}\n`);
console.log(`${fixture.length} of ${cases.length} cases written to test/unit/transform-cases.json`);

// test/unit/fidelity-date-cases.json: [r, format, tz, tz_default, gcloud's TransformDate(...)] with
// undefined='UNDEF' (an argument left null is not passed); the inputs are kept, the outputs redone.
const DATE_FILE = join(ROOT, 'test', 'unit', 'fidelity-date-cases.json');
const dateInputs = JSON.parse(readFileSync(DATE_FILE, 'utf8')).map(([r, format, tz, tzDefault]) => [r, format, tz, tzDefault]);
const dateCalls = dateInputs.map(([r, format, tz, tzDefault]) => ({
  transform: 'date',
  r,
  kwargs: Object.fromEntries(Object.entries({ format, tz, tz_default: tzDefault, undefined: 'UNDEF' }).filter(([, v]) => v !== null)),
}));
const dates = runOracle(dateCalls);
const failed = dates.find((d) => d.error !== undefined);
if (failed) throw new Error(`TransformDate raised ${failed.errorType}: ${failed.error}`);
writeFileSync(DATE_FILE, `${JSON.stringify(dateInputs.map((input, i) => [...input, dates[i].value]))}\n`);
console.log(`${dateInputs.length} date() cases written to test/unit/fidelity-date-cases.json`);
