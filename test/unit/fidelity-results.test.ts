// What gcloud prints for the results commands return, per format: nothing (models create returns
// None) and google.protobuf.Empty (models/versions delete return the operation's response). An explicit --format is composed with a silent command's `none` default,
// which error messages quote. Expected texts are gcloud 528's (see test/diff/fidelity-diff.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FormatError, renderFormat } from '../../src/format/format';

const EMPTY = { '@type': 'type.googleapis.com/google.protobuf.Empty' };

const ROWS: [format: string, nothing: string, empty: string][] = [
  ['json', '[]\n', '{\n  "@type": "type.googleapis.com/google.protobuf.Empty"\n}\n'],
  ['yaml', '', "'@type': type.googleapis.com/google.protobuf.Empty\n"],
  ['default', '', "'@type': type.googleapis.com/google.protobuf.Empty\n"],
  ['none', '', ''],
  ['value(name)', '', '\n'],
  ['get(name)', '', '\n'],
  ['table(name)', '', 'NAME\n\n'],
  ['csv(name)', '', 'name\n\n'],
  ['json(name)', '[]\n', 'null\n'],
];

for (const [format, nothing, empty] of ROWS) {
  test(`--format=${format}: no result, Empty (composed with a silent command's none)`, () => {
    assert.equal(renderFormat(undefined, format, { defaultFormat: 'none', isList: false }), nothing);
    assert.equal(renderFormat(EMPTY, format, { defaultFormat: 'none', isList: false }), empty);
  });
}

test('printers that need a projection refuse a bare name even for an empty result', () => {
  for (const format of ['value', 'get', 'csv', 'table']) {
    assert.throws(
      () => renderFormat(undefined, format, { defaultFormat: 'none' }),
      (err: Error) => err instanceof FormatError && err.message.startsWith(`Format [${format}] requires a non-empty projection.`),
    );
  }
});

test("error messages quote the composed format, a list command's default verbatim", () => {
  assert.throws(() => renderFormat(undefined, 'value(name.nosuch())', { defaultFormat: 'none' }), {
    message: 'Unknown transform function nosuch [none value(name.nosuch( *HERE* ))].',
  });
  const listDefault = '\n        table(\n            name.basename(),\n            defaultVersion.name.basename()\n        )\n    ';
  assert.throws(() => renderFormat([], 'value(name.nosuch())', { defaultFormat: listDefault, isList: true }), {
    message: `Unknown transform function nosuch [${listDefault} value(name.nosuch( *HERE* ))].`,
  });
});
