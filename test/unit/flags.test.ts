import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, UserError } from '../../src/errors';
import { argDict, argList, bucketReference, splitList } from '../../src/flags/arg-types';
import { isValidLabelKey, isValidLabelValue } from '../../src/domain/labels';
import { parseArgs, type ArgToken } from '../../src/flags/parser';
import { GLOBAL_FLAGS } from '../../src/flags/global-flags';
import { similarity } from '../../src/difflib';
import { closestMatch, HELP_SEARCH_ADVICE } from '../../src/flags/suggest';
import { VERSION_POSITIONAL } from '../../src/commands/flags';
import { VERSIONS_CREATE_FLAGS } from '../../src/commands/versions-create/flags';
import type { Track } from '../../src/flags/spec';

const tokens = (...args: string[]): ArgToken[] => args.map((value) => ({ value }));

function parse(args: string[] | ArgToken[], track: Track = 'GA') {
  const toks = typeof args[0] === 'string' ? tokens(...(args as string[])) : (args as ArgToken[]);
  return parseArgs(toks, {
    commandWords: ['ai-platform', 'versions', 'create'],
    track,
    positionals: [VERSION_POSITIONAL],
    // The ai-platform target: flags declared only for vertex-ai are not there (parserSpecFor).
    flags: [...VERSIONS_CREATE_FLAGS.filter((f) => f.tracks.includes(track) && !f.onlyForTarget), ...GLOBAL_FLAGS],
    otherTrackFlags: VERSIONS_CREATE_FLAGS.filter((f) => !f.tracks.includes(track)),
  });
}

function argError(fn: () => unknown): ArgumentError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ArgumentError) return err;
    throw err;
  }
  throw new Error('expected an ArgumentError');
}

test('--flag value, --flag=value and the positional anywhere', () => {
  const a = parse(['--model', 'm', '--origin=gs://b/x', 'v1']);
  assert.equal(a.values.version, 'v1');
  assert.equal(a.values.model, 'm');
  assert.equal(a.values.origin, 'gs://b/x');
  assert.ok(a.specified.has('origin'));
});

test('repeated flags: store keeps the last, ArgDict/ArgList update flags accumulate', () => {
  const a = parse(['v1', '--model', 'a', '--model', 'b', '--labels', 'x=1', '--labels', 'y=2,z=3']);
  assert.equal(a.values.model, 'b');
  assert.deepEqual(
    [...(a.values.labels as Map<string, string>)],
    [
      ['x', '1'],
      ['y', '2'],
      ['z', '3'],
    ],
  );
  const beta = parse(
    ['v1', '--model', 'm', '--package-uris', 'gs://a/1', '--package-uris', 'gs://a/2', '--command', 'a', '--command', 'b,c'],
    'BETA',
  );
  assert.deepEqual(beta.values.packageUris, ['gs://a/2']);
  assert.deepEqual(beta.values.command, ['a', 'b', 'c']);
});

test('an empty value is a value; a flag-looking value is refused', () => {
  assert.equal(parse(['v1', '--model', 'm', '--description', '']).values.description, '');
  assert.equal(argError(() => parse(['v1', '--model', '--origin', 'x'])).message, 'argument --model: expected one argument');
  assert.equal(
    argError(() => parse(['v1', '--model', 'm', '--args', '--port=1'], 'BETA')).message,
    'argument --args: expected one argument',
  );
  assert.equal(parse(['v1', '--model', 'm', '--description', '-a b']).values.description, '-a b');
});

test('missing required arguments are listed together', () => {
  assert.equal(argError(() => parse([])).message, 'argument VERSION --model: Must be specified.');
  assert.equal(argError(() => parse(['--model', 'm'])).message, 'argument VERSION: Must be specified.');
});

test('unknown arguments win over missing required ones and get hints', () => {
  const e = argError(() => parse(['v1', '--bogus']));
  assert.equal(e.message, `unrecognized arguments: --bogus \n\n${HELP_SEARCH_ADVICE}`);
  const typo = argError(() => parse(['v1', '--modle', 'm']));
  assert.match(typo.message, /^unrecognized arguments:\n {2}--modle \(did you mean '--model'\?\)\n {2}m\n/);
  const track = argError(() => parse(['v1', '--model', 'm', '--image', 'i']));
  assert.match(
    track.message,
    /^unrecognized arguments:\n {2}\n --image flag is available in one or more alternate release tracks\. Try:\n\n {2}gcloud alpha ai-platform versions create --image\n {2}gcloud beta ai-platform versions create --image\n/,
  );
  assert.equal(argError(() => parse(['v1', 'v2', '--model', 'm'])).message.split('\n')[0], 'unrecognized arguments: v2 ');
});

test('choices: suggestion when close, the list otherwise', () => {
  assert.equal(
    argError(() => parse(['v1', '--model', 'm', '--region', 'us-centrl1'])).message,
    "argument --region: Invalid choice: 'us-centrl1'. Did you mean 'us-central1'?",
  );
  assert.match(
    argError(() => parse(['v1', '--model', 'm', '--region', 'mars'])).message,
    /Invalid choice: 'mars'\.\n\nValid choices are \[asia-east1, .*us-west1\]\./,
  );
});

test('bool flags refuse explicit values; --no- forms negate', () => {
  assert.equal(argError(() => parse(['v1', '--model', 'm', '--async=true'])).message, "argument --async: ignored explicit argument 'true'");
  assert.equal(parse(['v1', '--model', 'm', '--no-user-output-enabled']).values.userOutputEnabled, false);
});

test('type errors: ints, bounded ints, dict syntax, accelerator keys', () => {
  assert.equal(
    argError(() => parse(['v1', '--model', 'm', '--min-nodes', 'abc'])).message,
    "argument --min-nodes: invalid int value: 'abc'",
  );
  assert.equal(
    argError(() => parse(['v1', '--model', 'm', '--ports', '8080,70000'], 'BETA')).message,
    'argument --ports: Value must be less than or equal to 65535; received: 70000',
  );
  assert.equal(
    argError(() => parse(['v1', '--model', 'm', '--accelerator', 'count=2'])).message,
    'argument --accelerator: Key [type] required in dict arg but not provided',
  );
  assert.equal(
    argError(() => parse(['v1', '--model', 'm', '--accelerator', 'type=t,foo=1'])).message,
    'argument --accelerator: valid keys are [count, type]; received: foo',
  );
  assert.match(
    argError(() => parse(['v1', '--model', 'm', '--env-vars', 'NOVALUE'], 'BETA')).message,
    /^argument --env-vars: Bad syntax for dict arg: \[NOVALUE\]/,
  );
});

test('--metric-targets problems are gcloud-level errors (exit 1)', () => {
  assert.throws(
    () => parse(['v1', '--model', 'm', '--metric-targets', 'cpu-usage=abc']),
    (e: unknown) =>
      e instanceof UserError && e.options.command === 'gcloud' && e.message === 'Metric target percentage value abc is not an integer.',
  );
});

test('lexed --flags-file values feed ArgList/ArgDict flags directly', () => {
  const a = parse([
    { value: 'v1' },
    { value: '--model=m' },
    { value: '--labels' },
    { value: { a: 'b' } },
    { value: '--accelerator' },
    { value: { type: 'nvidia-tesla-t4', count: 2 } },
  ]);
  assert.deepEqual([...(a.values.labels as Map<string, string>)], [['a', 'b']]);
  assert.deepEqual(
    [...(a.values.accelerator as Map<string, unknown>)],
    [
      ['type', 'nvidia-tesla-t4'],
      ['count', 2],
    ],
  );
});

test('ArgList escapes and ArgDict parsing', () => {
  assert.deepEqual(splitList('^:^a,b:c'), ['a,b', 'c']);
  assert.deepEqual(splitList(''), []);
  assert.deepEqual(argList('a,b,'), ['a', 'b']);
  assert.deepEqual(
    [...argDict('k=v=w,x=')],
    [
      ['k', 'v=w'],
      ['x', ''],
    ],
  );
});

test('bucket references', () => {
  assert.equal(bucketReference('gs://my.dotted.bucket/'), 'my.dotted.bucket');
  assert.throws(
    () => bucketReference('gs://Bad_Bucket!'),
    /Invalid bucket name \[Bad_Bucket!\]: Bucket names must contain only lowercase letters/,
  );
  assert.throws(() => bucketReference('gs://b/some/path'), /Invalid bucket name \[b\/some\/path\]/);
  assert.throws(() => bucketReference('gs://ab'), /must contain 3 to 63 characters/);
  assert.throws(() => bucketReference('gs://1.2.3.4'), /dotted-decimal/);
});

test('label rules follow Python str methods (international lowercase allowed)', () => {
  assert.ok(isValidLabelKey('env'));
  assert.ok(isValidLabelKey('données'));
  assert.ok(isValidLabelKey('日本'));
  assert.ok(!isValidLabelKey('Env'));
  assert.ok(!isValidLabelKey('1abc'));
  assert.ok(!isValidLabelKey('k'.repeat(64)));
  assert.ok(isValidLabelValue(''));
  assert.ok(!isValidLabelValue('Prod'));
  assert.ok(!isValidLabelValue('a b'));
});

test('difflib-compatible suggestions', () => {
  assert.equal(similarity('abcd', 'bcde'), 0.75);
  assert.equal(closestMatch('mars-central1', ['us-central1', 'us-east1']), 'us-central1');
  assert.equal(closestMatch('mars', ['us-central1', 'global']), undefined);
  assert.equal(closestMatch('--bogus-flag', ['--model', '--region']), undefined);
});

test('a bad --flags-file value keeps gcloud’s first line; the file and line follow on the next', () => {
  const fromFile = (flag: string, value: string, location: string): ArgToken[] => [
    { value: 'v1' },
    { value: '--model=m' },
    { value: `${flag}=${value}`, location },
  ];
  const typed = argError(() => parse(fromFile('--num-paths', 'abc', 'f.yaml:2'), 'BETA'));
  assert.equal(typed.message, 'argument --num-paths: Value must be an integer; received: abc\n(from --flags-file f.yaml:2)');
  const choice = argError(() => parse(fromFile('--region', 'mars', 'outer.yaml:1;inner.yaml:3')));
  assert.match(
    choice.message,
    /^argument --region: Invalid choice: 'mars'\.\n\nValid choices are \[.*\]\.\n\(from --flags-file inner\.yaml:3, included from outer\.yaml:1\)$/,
  );
});
