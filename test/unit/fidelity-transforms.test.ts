// gcloud's transforms as used on these resources. date(): every case of fidelity-date-cases.json is
// [resource, format, tz, tz_default, output] as gcloud 528's own TransformDate returned it (run with
// TZ=UTC and undefined='UNDEF'): timestamps and RFC 3339 strings, glibc's strftime directives,
// gcloud's %Nf/%Ez/%Oz/%s, zone conversion and the zone abbreviations of tzdata.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { transformDate } from '../../src/format/date-transform';
import { FormatError, printedBeforeError, renderFormat, TransformCrash } from '../../src/format/format';
import { flagConditionals } from '../../src/format/display';

process.env.TZ = 'UTC';

type DateCase = [r: unknown, format: string | null, tz: string | null, tzDefault: string | null, expected: string];
const DATE_CASES = JSON.parse(fs.readFileSync(path.join(__dirname, 'fidelity-date-cases.json'), 'utf8')) as DateCase[];

const HAVE_TZDATA = fs.existsSync('/usr/share/zoneinfo/Asia/Kolkata');

for (const [r, format, tz, tzDefault, expected] of DATE_CASES) {
  // Zone abbreviations come from the system's tzdata; without it only the offsets are comparable.
  const needsNames = format?.includes('%Z') && !HAVE_TZDATA;
  test(`date(${JSON.stringify(format)}, tz=${tz}, tz_default=${tzDefault}) of ${JSON.stringify(r)}`, {
    skip: needsNames ? 'no tzdata on this system' : false,
  }, () => {
    assert.equal(transformDate(r, format, 1, 'UNDEF', tz, tzDefault), expected);
  });
}

test('date() in a --format projection, with positional and keyword arguments', () => {
  const version = { name: 'projects/p/models/m/versions/v1', createTime: '2026-12-02T09:03:41.797Z' };
  assert.equal(renderFormat(version, 'value(name.basename(), createTime.date("%Y/%m/%d"))'), 'v1\t2026/12/02\n');
  assert.equal(renderFormat(version, 'value(createTime.date(format="%H:%M %Z", tz=Asia/Tokyo))'), '18:03 JST\n');
  assert.equal(renderFormat(version, 'value(name.date(undefined=never))'), 'never\n');
  assert.equal(renderFormat({ t: 1700000000000 }, 'value(t.date(unit=1000))'), '2023-11-14T22:13:20\n');
});

test("an unknown transform is refused with gcloud's message", () => {
  assert.throws(() => renderFormat({}, 'value(name.nosuch())'), {
    message: 'Unknown transform function nosuch [value(name.nosuch( *HERE* ))].',
  });
});

// Every builtin transform of gcloud's table over a table of values and argument spellings: each case of
// transform-cases.json is { data, format } and what gcloud 528's own printer gave (`out`), or the exception it
// raised (`errorType`, `error`). Regenerate with `node scripts/transform-fixture.mjs` (needs the gcloud SDK).
interface TransformCase {
  data: unknown;
  format: string;
  out?: string;
  error?: string;
  errorType?: string;
}
const TRANSFORM_CASES = JSON.parse(fs.readFileSync(path.join(__dirname, 'transform-cases.json'), 'utf8')) as TransformCase[];

/** gcloud's own error classes (printed as `ERROR: (gcloud.…) message`); anything else is a Python crash. */
const GCLOUD_ERRORS = new Set(['Error', 'ExpressionSyntaxError', 'UnknownTransformError', 'ProjectionRequiredError']);

function outcome(c: TransformCase): { out: string } | { error: string; errorType?: string } {
  try {
    return { out: renderFormat(c.data, c.format, { isList: false }) };
  } catch (error) {
    if (error instanceof TransformCrash) return { error: error.message, errorType: error.pythonType };
    if (error instanceof FormatError) return { error: error.message };
    throw error;
  }
}

const byTransform = new Map<string, TransformCase[]>();
for (const c of TRANSFORM_CASES) {
  // Bytes cases (`x.decode(base64).call()`) are grouped by the call the bytes go through.
  const bytes = /^value\(x\.decode\(base64\)\./.test(c.format);
  const call = /\.?(\w+)\(/.exec(c.format.replace(/^\w+\((x\.)?(decode\(base64\)\.)?/, ''))?.[1] ?? c.format;
  const name = bytes ? `bytes through ${call}` : call;
  byTransform.set(name, [...(byTransform.get(name) ?? []), c]);
}
for (const [name, cases] of byTransform) {
  test(`${name}(): ${cases.length} cases as gcloud's printer gave them`, () => {
    const wrong = cases.flatMap((c) => {
      const want =
        c.errorType === undefined
          ? { out: c.out }
          : GCLOUD_ERRORS.has(c.errorType)
            ? { error: c.error }
            : { error: c.error, errorType: c.errorType };
      let got: ReturnType<typeof outcome>;
      try {
        got = outcome(c);
      } catch (error) {
        got = { error: `${error}` };
      }
      return JSON.stringify(got) === JSON.stringify(want)
        ? []
        : [`--format=${c.format} on ${JSON.stringify(c.data)}\n   gcloud: ${JSON.stringify(want)}\n   ours:   ${JSON.stringify(got)}`];
    });
    assert.equal(wrong.length, 0, `${wrong.length} of ${cases.length} differ:\n${wrong.slice(0, 15).join('\n')}`);
  });
}

test('if() keeps a key only when its condition over the flags holds', () => {
  const model = { name: 'projects/p/models/m1', regions: ['us-central1'] };
  const format = 'value(name.basename(), regions.list().if(limit), name.if(NOT limit AND uri))';
  assert.equal(renderFormat(model, format, { conditionals: flagConditionals({ limit: 1 }) }), 'm1\tus-central1\n');
  assert.equal(renderFormat(model, format, { conditionals: flagConditionals({ uri: true }) }), 'm1\tprojects/p/models/m1\n');
  assert.equal(
    renderFormat(model, 'value(name.if(page_size))', { conditionals: flagConditionals({ pageSize: 2 }) }),
    'projects/p/models/m1\n',
  );
});

test("uri() is the command's resource URI where the command has one, else gcloud's selfLink rule", () => {
  const uriOf = (m: unknown) => {
    const name = (m as { name?: unknown } | null)?.name;
    return typeof name === 'string' ? `https://ml.example/v1/${name}` : undefined;
  };
  const model = { name: 'projects/p/models/m1' };
  assert.equal(
    renderFormat(model, 'value(uri(), name.uri())', { uriOf }),
    'https://ml.example/v1/projects/p/models/m1\thttps://ml.example/v1/projects/p/models/m1\n',
  );
  assert.equal(renderFormat(model, 'json(name.uri(undefined=none))', { uriOf }), '{\n  "name": "none"\n}\n');
  assert.equal(renderFormat(model, 'value(uri())'), '.\n');
});

test('an empty API message is printed ({}), an absent result is not', () => {
  assert.equal(renderFormat({}, 'json', { message: true }), '{}\n');
  assert.equal(renderFormat({}, 'table(name)', { message: true }), 'NAME\n\n');
  assert.equal(renderFormat({}, 'json'), '[]\n');
  assert.equal(renderFormat(undefined, 'json', { message: true }), '[]\n');
});

test('a transform error after some records keeps what the printer printed, finished', () => {
  const models = [{ name: 'm3' }, { name: 'm2' }, { name: 'm1', defaultVersion: { name: 'a/b' } }];
  assert.throws(
    () => renderFormat(models, 'json(name, defaultVersion.name.segment(x))', { isList: true }),
    (error: unknown) =>
      error instanceof TransformCrash &&
      error.pythonType === 'ValueError' &&
      error.message === "invalid literal for int() with base 10: 'x'" &&
      printedBeforeError(error) === '[\n  {\n    "name": "m3"\n  },\n  {\n    "name": "m2"\n  }\n]\n',
  );
});
