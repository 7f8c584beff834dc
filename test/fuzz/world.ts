// What the fuzz suite's inputs run in (model directories with every awkward thing a file system
// allows) and what every run must satisfy, shared by the in-process driver and the subprocess sample.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIXTURES } from '../support/cli';
import type { FuzzInput, Paths } from './grammar';

const STACK_FRAME = /^\s+at .+(\(.*:\d+:\d+\)|:\d+:\d+)$/m;

export /** Model directories with every awkward thing a file system allows. */
function makePaths(root: string): Paths {
  const models = path.join(root, 'models');
  const plain = path.join(models, 'plain');
  fs.cpSync(path.join(FIXTURES, 'models', 'tf-saved-model'), plain, { recursive: true });

  const odd = path.join(models, 'odd names ü');
  fs.mkdirSync(path.join(odd, 'sub dir'), { recursive: true });
  for (const name of [
    'ü ñ.txt',
    'with space.bin',
    'new\nline.txt',
    'tab\there',
    '模型.json',
    '#hash?.txt',
    '%41%2F.bin',
    'x'.repeat(255),
  ]) {
    fs.writeFileSync(path.join(odd, name), name);
  }
  let deep = path.join(odd, 'deep');
  for (let i = 0; i < 30; i++) deep = path.join(deep, `${i}`.padStart(100, 'd'));
  fs.mkdirSync(deep, { recursive: true });
  fs.writeFileSync(path.join(deep, 'leaf.txt'), 'leaf');

  const links = path.join(models, 'links');
  fs.mkdirSync(links, { recursive: true });
  fs.writeFileSync(path.join(links, 'real.txt'), 'real');
  fs.symlinkSync('.', path.join(links, 'self')); // a directory loop
  fs.symlinkSync('b', path.join(links, 'a')); // a file loop
  fs.symlinkSync('a', path.join(links, 'b'));
  fs.symlinkSync('/nonexistent/target', path.join(links, 'dangling'));
  fs.symlinkSync(path.join(plain, 'saved_model.pb'), path.join(links, 'outside.pb'));

  const special = path.join(models, 'special');
  fs.mkdirSync(special, { recursive: true });
  fs.writeFileSync(path.join(special, 'ok.txt'), 'ok');
  execFileSync('mkfifo', [path.join(special, 'pipe')]);
  fs.writeFileSync(path.join(special, 'locked.txt'), 'locked');
  fs.chmodSync(path.join(special, 'locked.txt'), 0);

  const empty = path.join(models, 'empty');
  fs.mkdirSync(empty);
  const file = path.join(root, 'just-a-file.txt');
  fs.writeFileSync(file, 'not a directory');
  const directory = path.join(root, 'config-dir');
  fs.mkdirSync(directory);
  return { models: [plain, odd, links, special, empty, file, path.join(root, 'missing')], files: [file, directory, '/dev/null'] };
}

/** --verbosity=none or critical hides even errors, as in gcloud. */
function errorsHidden(input: FuzzInput): boolean {
  const text = [...input.argv, ...input.files.map((f) => f.content.toString())].join('\n');
  return /verb\w*['"]?\s*[=: \n]\s*['"]?(none|critical)/.test(text);
}

/** Why an outcome breaks the rules (exit 0/1/2, `ERROR:` on failure, no crash, no stack), or undefined. */
export function judge(input: FuzzInput, result: { code: number; stderr: string }): string | undefined {
  if (![0, 1, 2].includes(result.code)) return `exit code ${result.code}`;
  if (/Internal error|Traceback/.test(result.stderr)) return 'crash report';
  if (STACK_FRAME.test(result.stderr)) return 'stack trace on stderr';
  if (result.code !== 0 && !/^ERROR: /m.test(result.stderr) && !errorsHidden(input)) return 'failed without an ERROR line';
  return undefined;
}
