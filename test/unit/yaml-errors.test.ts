/**
 * YAML syntax errors are worded as gcloud's parser (ruamel) words them. The fixture
 * (fixtures/yaml/ruamel-errors.json) was recorded from the SDK's own loader; where the SDK is
 * installed the recording is re-checked against it live (skipped, visibly, elsewhere).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { formatYamlProblem, loadYaml, YamlSyntaxError } from '../../src/yaml/load';

interface RecordedError {
  yaml: string;
  ruamel: string;
}

const RECORDED: RecordedError[] = JSON.parse(readFileSync(join(__dirname, '../../fixtures/yaml/ruamel-errors.json'), 'utf8'));
/** Inputs js-yaml reads differently from ruamel (tags it resolves its own way, a tab it accepts). */
const KNOWN_DIFFERENCES = new Set(['!!binary x\n', '--model:\tm\n', 'a: !!map x\n']);
const SDK_LIB = join(process.env.CLOUDSDK_ROOT_DIR ?? '/usr/lib/google-cloud-sdk', 'lib');

function describeFailure(text: string): string {
  try {
    loadYaml(text, { duplicates: 'refuse' });
    return '(accepted)';
  } catch (err) {
    assert.ok(err instanceof YamlSyntaxError, `not a YamlSyntaxError: ${err}`);
    return formatYamlProblem(err.problem, text, { source: '<unicode string>', snippet: true });
  }
}

describe('YAML syntax errors use ruamel’s first line', () => {
  for (const { yaml, ruamel } of RECORDED.filter((r) => !KNOWN_DIFFERENCES.has(r.yaml))) {
    test(JSON.stringify(yaml), () => {
      assert.equal(describeFailure(yaml).split('\n')[0], ruamel.split('\n')[0]);
    });
  }

  test('the recording still matches the installed SDK', {
    skip: existsSync(SDK_LIB) ? false : `gcloud SDK not installed at ${SDK_LIB}`,
  }, () => {
    const run = spawnSync('python3', [join(__dirname, 'ruamel-errors.py')], {
      input: JSON.stringify(RECORDED.map((r) => r.yaml)),
      encoding: 'utf8',
      env: { ...process.env, GCLOUD_SDK_LIB: SDK_LIB },
    });
    assert.equal(run.status, 0, run.stderr);
    const live = JSON.parse(run.stdout) as { message?: string }[];
    assert.deepEqual(
      live.map((r) => r.message),
      RECORDED.map((r) => r.ruamel),
    );
  });
});

describe('duplicate keys', () => {
  test('first-wins keeps the first value at every depth and reports each repeat with its line', () => {
    const text = 'a: 1\nb:\n  c: x\n  c: y\n"a": 2\n';
    const loaded = loadYaml(text, { duplicates: 'first-wins' });
    assert.deepEqual(loaded.value, { a: 1, b: { c: 'x' } });
    assert.deepEqual(
      loaded.duplicates.map((d) => [d.key, d.mark.line]),
      [
        ['c', 4],
        ['a', 5],
      ],
    );
  });

  test('refuse names the repeated key where gcloud crashes on it', () => {
    const message = describeFailure('--model: a\n--model: b\n');
    assert.match(message, /^while constructing a mapping\nfound duplicate key "--model"\n {2}in "<unicode string>", line 2, column 1:/);
  });

  test('a mapping without repeats is returned unchanged', () => {
    assert.deepEqual(loadYaml('a: [1, {b: c}]\n', { duplicates: 'first-wins' }), { value: { a: [1, { b: 'c' }] }, duplicates: [] });
  });
});

describe('YAML 1.1 scalars, as gcloud reads them', () => {
  test('booleans, octal, underscores, base 60 (values recorded from the SDK’s loader)', () => {
    const text = 'a: yes\nb: on\nc: y\nd: 0777\ne: 1_000\nf: 0x1F\nh: ~\ni: Off\nj: 1:30\nl: 0b101\nm: +12\nq: "yes"\nr: 1.15\n';
    assert.deepEqual(loadYaml(text, { duplicates: 'refuse' }).value, {
      a: true,
      b: true,
      c: true,
      d: 511,
      e: 1000,
      f: 31,
      h: null,
      i: false,
      j: 90,
      l: 5,
      m: 12,
      q: 'yes',
      r: 1.15,
    });
  });
});
