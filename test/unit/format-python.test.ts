/** The Python formatting primitives the printers are built on (expected values from CPython 3.12). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { formatFloat } from '../../src/format/builtin-transforms';
import { pyFloatRepr, pyFormatFixed, pyFormatGeneral, pyRepr, pyStr } from '../../src/format/python';

describe('float formatting', () => {
  test('repr(float)', () => {
    const cases: Array<[number, string]> = [
      [0.1 + 0.2, '0.30000000000000004'],
      [1e-5, '1e-05'],
      [0.0001, '0.0001'],
      [1e16, '1e+16'],
      [1.5e15, '1500000000000000.0'],
      [-2.5, '-2.5'],
      [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
    ];
    for (const [x, want] of cases) assert.equal(pyFloatRepr(x), want, String(x));
  });

  test("'{:.6}'.format(float)", () => {
    const cases: Array<[number, string]> = [
      [123456.0, '1.23456e+05'],
      [12345.5, '12345.5'],
      [0.0001, '0.0001'],
      [0.00001, '1e-05'],
      [99999.95, '99999.9'],
      [999999.5, '1e+06'],
      [Math.PI, '3.14159'],
    ];
    for (const [x, want] of cases) assert.equal(pyFormatGeneral(x, 6), want, String(x));
  });

  test("'{:.1f}'.format(float) rounds half to even on the exact binary value", () => {
    assert.equal(pyFormatFixed(0.25, 1), '0.2');
    assert.equal(pyFormatFixed(0.35, 1), '0.3');
    assert.equal(pyFormatFixed(2.5, 0), '2');
    assert.equal(pyFormatFixed(1e22, 1), '10000000000000000000000.0');
  });

  test('gcloud float transform: no exponent below 1e9', () => {
    assert.equal(formatFloat(123456.5), '123456.5');
    assert.equal(formatFloat(1234567.25), '1234567.2');
    assert.equal(formatFloat(1.5e9 + 0.5), '1.5e+09');
    assert.equal(formatFloat(0.1), '0.1');
    assert.equal(formatFloat('x'), '');
  });
});

describe('str() and repr()', () => {
  test('containers use Python repr', () => {
    assert.equal(
      pyStr({ a: [1, 'x', null, true, 1.5], "it's": { b: 'say "hi"' } }),
      `{'a': [1, 'x', None, True, 1.5], "it's": {'b': 'say "hi"'}}`,
    );
    assert.equal(pyRepr('tab\there\u0001é\u200b'), "'tab\\there\\x01é\\u200b'");
  });
});
