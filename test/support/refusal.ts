// What a flag refusal looks like to the table-driven tests: the ArgumentError (exit 2) a call throws.
import assert from 'node:assert/strict';
import { ArgumentError } from '../../src/errors';

export function refusal(fn: () => unknown): ArgumentError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ArgumentError) return err;
    throw err;
  }
  assert.fail('expected an ArgumentError');
}
