// Hostile files are refused with bounded memory and time: YAML alias bombs and self-referring
// aliases in --config and --flags-file, runaway nested --flags-file includes, endless or huge
// files (devices, pipes). The access-token file is whitespace-stripped, as gcloud does.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { FileTooLargeError, readBounded } from '../../src/io/bounded-read';
import { resolveCredentials } from '../../src/credentials/auth';
import { Properties } from '../../src/config/properties';
import { readConfigFile } from '../../src/config-file/read';
import { UserError } from '../../src/errors';
import { expandFlagsFiles } from '../../src/flags/flags-file';
import { expandedSize, MAX_YAML_VALUES } from '../../src/yaml/bounds';
import { tempDir } from '../support/temp';

const dir = tempDir('gcloud-aip-bounds-');
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};

/** Nine references to nine references to …, `levels` deep: 9^levels values if copied out. */
function bomb(key: string, levels: number): string {
  const lines = [`${key}0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]`];
  for (let i = 1; i < levels; i++)
    lines.push(
      `${key}${i}: &l${i} [${Array(9)
        .fill(`*l${i - 1}`)
        .join(', ')}]`,
    );
  return lines.join('\n');
}

test('expandedSize counts every alias as a copy, without copying', () => {
  const shared = [1, 2, 3];
  assert.equal(expandedSize({ a: shared, b: shared }), 1 + 2 * 4);
  const cycle: unknown[] = [];
  cycle.push(cycle);
  assert.equal(expandedSize(cycle), Infinity);
  let deep: unknown = 'leaf';
  for (let i = 0; i < 5000; i++) deep = [deep];
  assert.ok(Number.isNaN(expandedSize(deep)));
  let wide: unknown = ['x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'];
  for (let i = 0; i < 20; i++) wide = Array(9).fill(wide);
  assert.ok(expandedSize(wide) > MAX_YAML_VALUES, 'stops counting past the limit');
});

test('--flags-file: an alias bomb is refused', () => {
  const file = write('bomb-flags.yaml', `${bomb('--x', 9)}\n--labels: *l8\n`.replace(/^--x(\d)/gm, "'--x$1'"));
  assert.throws(
    () => expandFlagsFiles(['--flags-file', file]),
    (err: Error) =>
      err instanceof UserError &&
      err.message === `--flags-file [${file}] refused: the document expands to more than ${MAX_YAML_VALUES} values through its aliases.`,
  );
});

test('--flags-file: a value that contains itself is refused', () => {
  const file = write('cycle-flags.yaml', '--description: &a [*a]\n');
  assert.throws(() => expandFlagsFiles(['--flags-file', file]), /refers to itself through an alias/);
});

test('--flags-file: files that include each other many times are refused', () => {
  for (let i = 0; i < 12; i++)
    write(`fan-${i}.yaml`, `--flags-file: [${path.join(dir, `fan-${i + 1}.yaml`)}, ${path.join(dir, `fan-${i + 1}.yaml`)}]\n`);
  write('fan-12.yaml', '--async: true\n');
  assert.throws(() => expandFlagsFiles(['--flags-file', path.join(dir, 'fan-0.yaml')]), /more than 100 times in all; refused/);
});

test('--flags-file: an endless file is refused, not read into memory', () => {
  assert.throws(() => expandFlagsFiles(['--flags-file', '/dev/zero']), /\[\/dev\/zero\] is too large \(over 10485760 bytes\)/);
});

test('--config: an alias bomb under a known field is refused', () => {
  const file = write('bomb-config.yaml', `${bomb('x', 9)}\ndescription: *l8\n`);
  assert.throws(
    () => readConfigFile(file, true),
    (err: Error) =>
      err instanceof UserError &&
      err.message.endsWith(`Refused: the document expands to more than ${MAX_YAML_VALUES} values through its aliases.`),
  );
});

test('--config: a huge file or a device is refused', () => {
  assert.throws(() => readConfigFile('/dev/zero', false), /Unable to read file \[\/dev\/zero\]: the file is larger than 1048576 bytes/);
});

test('readBounded reads pipes and files, and stops past the bound', () => {
  assert.equal(readBounded(write('small.txt', 'héllo'), 10), 'héllo');
  assert.throws(() => readBounded(write('big.txt', 'x'.repeat(11)), 10), FileTooLargeError);
  assert.throws(
    () => readBounded(path.join(dir, 'missing'), 10),
    (err: NodeJS.ErrnoException) => err.code === 'ENOENT',
  );
});

test('the access-token file is whitespace-stripped; a token with inner whitespace is refused without being shown', async () => {
  const credentials = (text: string) => {
    const file = write('token.txt', text);
    return resolveCredentials(new Properties({ CLOUDSDK_CONFIG: dir, CLOUDSDK_AUTH_ACCESS_TOKEN_FILE: file }), {});
  };
  assert.equal(await credentials('\n  ya29.abc-def \r\n\n').token(), 'ya29.abc-def');
  await assert.rejects(
    credentials('ya29.secret part-two\n').token(),
    (err: Error) => err instanceof UserError && !err.message.includes('ya29.secret'),
  );
});
