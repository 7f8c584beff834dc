import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { cachedDataVersionTag } from 'node:v8';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { UserError } from '../../src/errors';
import { crc32c, crc32cBase64 } from '../../src/checksum/crc32c';
import { computeStagingPrefix } from '../../src/upload/prefix';
import { compareRelPaths, listOriginFiles, type OriginFile } from '../../src/upload/walk';
import { tempDir } from '../support/temp';

const scratch = tempDir('upload-walk-');
after(() => rmSync(scratch, { recursive: true, force: true }));

let dirCount = 0;
/** A fresh directory holding `files` (path -> content; a trailing '/' makes an empty directory). */
function makeDir(files: Record<string, string | Buffer> = {}): string {
  const root = path.join(scratch, `d${dirCount++}`);
  mkdirSync(root);
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    if (rel.endsWith('/')) {
      mkdirSync(abs, { recursive: true });
    } else {
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, content);
    }
  }
  return root;
}

async function rejectsWith(promise: Promise<unknown>, message: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof UserError, `expected a UserError, got ${String(err)}`);
    assert.equal(err.message, message);
    return true;
  });
}

const sha256 = (...parts: (string | Buffer)[]) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
};

describe('listOriginFiles: validation', () => {
  test('a missing origin is not a valid directory (named as typed)', async () => {
    await rejectsWith(listOriginFiles('no/such/model'), '[no/such/model] is not a valid directory.');
  });

  test('a file is not a valid directory', async () => {
    const file = path.join(makeDir({ 'model.pkl': 'x' }), 'model.pkl');
    await rejectsWith(listOriginFiles(file), `[${file}] is not a valid directory.`);
  });

  test('an empty origin string is not a valid directory (like os.path.isdir(""))', async () => {
    await rejectsWith(listOriginFiles(''), '[] is not a valid directory.');
  });

  test('an empty directory has no files', async () => {
    const dir = makeDir();
    await rejectsWith(
      listOriginFiles(dir),
      `Cannot upload contents of directory [${dir}] to Google Cloud Storage; directory has no files.`,
    );
  });

  test('only empty subdirectories: no files', async () => {
    const dir = makeDir({ 'a/': '', 'a/b/': '', 'c/': '' });
    await rejectsWith(
      listOriginFiles(dir),
      `Cannot upload contents of directory [${dir}] to Google Cloud Storage; directory has no files.`,
    );
  });

  test('the origin may be relative, and is kept as typed', async () => {
    const dir = makeDir({ 'model.pkl': 'x' });
    const typed = path.relative(process.cwd(), dir);
    const listing = await listOriginFiles(typed);
    assert.equal(listing.origin, typed);
    assert.deepEqual(
      listing.files.map((f) => [f.relPath, f.absPath]),
      [['model.pkl', path.join(dir, 'model.pkl')]],
    );
  });

  test('--origin . lists relative to the working directory', async () => {
    const dir = makeDir({ 'model.pkl': 'x', 'sub/a.txt': 'a' });
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const listing = await listOriginFiles('.');
      assert.equal(listing.origin, '.');
      assert.deepEqual(
        listing.files.map((f) => [f.relPath, f.absPath]),
        [
          ['model.pkl', path.join(dir, 'model.pkl')],
          ['sub/a.txt', path.join(dir, 'sub', 'a.txt')],
        ],
      );
    } finally {
      process.chdir(cwd);
    }
  });

  test('a symlink to a directory is a valid origin (isdir follows links)', async () => {
    const target = makeDir({ 'saved_model.pb': 'pb' });
    const link = path.join(scratch, `link${dirCount++}`);
    symlinkSync(target, link);
    const listing = await listOriginFiles(link);
    assert.deepEqual(
      listing.files.map((f) => f.relPath),
      ['saved_model.pb'],
    );
  });
});

describe('listOriginFiles: walk', () => {
  test('recursive, dotfiles included, sizes, "/"-separated relative paths', async () => {
    const dir = makeDir({
      'saved_model.pb': 'abc',
      '.hidden': '',
      'variables/variables.index': '12345',
      'variables/.keep/': '',
      'assets/deep/er/x.txt': 'hi',
    });
    const listing = await listOriginFiles(dir);
    assert.deepEqual(
      listing.files.map((f) => [f.relPath, f.size]),
      [
        ['.hidden', 0],
        ['assets/deep/er/x.txt', 2],
        ['saved_model.pb', 3],
        ['variables/variables.index', 5],
      ],
    );
    for (const f of listing.files) assert.equal(f.absPath, path.join(dir, ...f.relPath.split('/')));
  });

  test('unicode and spaces in names', async () => {
    const dir = makeDir({ 'my model/é t.txt': 'e', '日本語/ファイル.json': '{}', ' lead': 'x' });
    const listing = await listOriginFiles(dir);
    assert.deepEqual(
      listing.files.map((f) => f.relPath),
      [' lead', 'my model/é t.txt', '日本語/ファイル.json'],
    );
  });

  test('sorted by UTF-8 bytes, not UTF-16 code units', async () => {
    // U+FF21 is EF BC A1 in UTF-8, U+1F600 is F0 9F 98 80; in UTF-16 the emoji (D83D ...) sorts first.
    const names = ['😀', 'Ａ', 'é', 'ab/c', 'a', 'Z', 'ab.c'];
    const dir = makeDir(Object.fromEntries(names.map((n) => [n, n])));
    const listing = await listOriginFiles(dir);
    const expected = ['Z', 'a', 'ab.c', 'ab/c', 'é', 'Ａ', '😀'];
    assert.deepEqual(
      listing.files.map((f) => f.relPath),
      expected,
    );
    assert.notDeepEqual([...expected].sort(), expected, 'the test names must tell the two orders apart');
  });

  test('compareRelPaths orders as the UTF-8 bytes do, across the code point ranges UTF-16 reorders', () => {
    // One character from each range whose UTF-16 order differs from its UTF-8 order, and around them.
    const samples = [
      '',
      'a',
      '~',
      '\u00e9',
      '\u07ff',
      '\u0800',
      '\ud7ff',
      '\ue000',
      '\uff21',
      '\uffff',
      '\u{10000}',
      '\u{1f600}',
      '\u{10ffff}',
    ];
    const names = samples.flatMap((x) => samples.map((y) => x + y));
    const byBytes = [...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    assert.deepEqual([...names].sort(compareRelPaths), byBytes);
    assert.notDeepEqual([...names].sort(), byBytes, 'the samples must tell UTF-16 order from UTF-8 order');
  });

  test('a symlinked file is followed: uploaded under the link name with the target size', async () => {
    const outside = makeDir({ 'weights.bin': '0123456789' });
    const dir = makeDir({ 'model.pkl': 'm' });
    symlinkSync(path.join(outside, 'weights.bin'), path.join(dir, 'linked.bin'));
    const listing = await listOriginFiles(dir);
    assert.deepEqual(
      listing.files.map((f) => [f.relPath, f.size]),
      [
        ['linked.bin', 10],
        ['model.pkl', 1],
      ],
    );
  });

  test('a symlinked directory is not followed', async () => {
    const outside = makeDir({ 'secret.txt': 's', 'sub/more.txt': 'm' });
    const dir = makeDir({ 'model.pkl': 'm' });
    symlinkSync(outside, path.join(dir, 'linked-dir'));
    const listing = await listOriginFiles(dir);
    assert.deepEqual(
      listing.files.map((f) => f.relPath),
      ['model.pkl'],
    );
  });

  test('a directory holding only a symlinked directory has no files', async () => {
    const outside = makeDir({ 'secret.txt': 's' });
    const dir = makeDir();
    symlinkSync(outside, path.join(dir, 'linked-dir'));
    await rejectsWith(
      listOriginFiles(dir),
      `Cannot upload contents of directory [${dir}] to Google Cloud Storage; directory has no files.`,
    );
  });

  test('sockets are skipped', async () => {
    const dir = makeDir({ 'model.pkl': 'm' });
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(path.join(dir, 'agent.sock'), resolve));
    try {
      const listing = await listOriginFiles(dir);
      assert.deepEqual(
        listing.files.map((f) => f.relPath),
        ['model.pkl'],
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('a dangling symlink is an unreadable file, named as gcloud names it', async () => {
    const dir = makeDir({ 'model.pkl': 'm' });
    symlinkSync(path.join(dir, 'gone'), path.join(dir, 'broken.bin'));
    await rejectsWith(listOriginFiles(dir), `Unable to read file [${dir}/broken.bin]: [Errno 2] No such file or directory`);
  });

  const isRoot = process.getuid?.() === 0;
  test('an unreadable file fails hashing with a message naming it', { skip: isRoot && 'root reads everything' }, async () => {
    const dir = makeDir({ 'model.pkl': 'm', 'secret.bin': 's' });
    chmodSync(path.join(dir, 'secret.bin'), 0o000);
    const listing = await listOriginFiles(dir);
    await rejectsWith(computeStagingPrefix(listing), `Unable to read file [${dir}/secret.bin]: [Errno 13] Permission denied`);
  });
});

describe('computeStagingPrefix', () => {
  test('sha256 of the contents concatenated in UTF-8 byte order of the paths', async () => {
    const contents: Record<string, string> = { Z: 'zed', a: 'ay', é: 'e-acute', 'ab/c': 'abc', '😀': 'smile', Ａ: 'wide' };
    const dir = makeDir(contents);
    const expected = sha256(...['Z', 'a', 'ab/c', 'é', 'Ａ', '😀'].map((n) => contents[n]));
    assert.equal(await computeStagingPrefix(await listOriginFiles(dir)), expected);
  });

  test('sorts a listing given in any order', async () => {
    const dir = makeDir({ b: '2', a: '1' });
    const listing = await listOriginFiles(dir);
    const reversed = { ...listing, files: [...listing.files].reverse() };
    assert.equal(await computeStagingPrefix(reversed), sha256('1', '2'));
  });

  test('empty files add nothing; files bigger than the read buffer are hashed whole', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
    const dir = makeDir({ 'a.bin': big, 'b.txt': '', 'c.txt': 'tail' });
    assert.equal(await computeStagingPrefix(await listOriginFiles(dir)), sha256(big, 'tail'));
  });

  test('files another thread reads ahead are read in pieces: the same sha256 and crc32c as streamed', async () => {
    // Over 16 MiB, so the pass gives the event loop a turn inside the file.
    const big = Buffer.alloc(17 * 1024 * 1024 + 5);
    for (let i = 0; i < big.length; i += 4096) big[i] = (i >> 12) & 0xff;
    const dir = makeDir({ 'a.bin': big, 'b.bin': big.subarray(3, 700 * 1024), 'c.txt': 'tail' });
    const listing = await listOriginFiles(dir);
    const runs = await Promise.all(
      [false, true].map(async (readAhead) => {
        const checksums = new Map<OriginFile, string>();
        const prefix = await computeStagingPrefix(listing, undefined, { checksums, readAhead: (file) => readAhead && file.size > 1024 });
        return { prefix, crcs: listing.files.map((file) => checksums.get(file)) };
      }),
    );
    assert.equal(runs[1].prefix, sha256(big, big.subarray(3, 700 * 1024), 'tail'));
    assert.deepEqual(runs[1], runs[0]);
    assert.equal(runs[1].crcs[0], crc32cBase64(crc32c(big)));
  });

  test('a file read in pieces gives the event loop turns: an abort stops the pass inside the file', async () => {
    const dir = makeDir({ 'weights.bin': Buffer.alloc(48 * 1024 * 1024) });
    const controller = new AbortController();
    const stop = new Error('stopped');
    const pass = computeStagingPrefix(await listOriginFiles(dir), undefined, { signal: controller.signal, readAhead: () => true });
    setImmediate(() => controller.abort(stop));
    await assert.rejects(pass, (err) => err === stop);
  });

  test('a symlinked file contributes its target content', async () => {
    const outside = makeDir({ 'weights.bin': 'TARGET' });
    const dir = makeDir({ 'z.txt': 'z' });
    symlinkSync(path.join(outside, 'weights.bin'), path.join(dir, 'link.bin'));
    assert.equal(await computeStagingPrefix(await listOriginFiles(dir)), sha256('TARGET', 'z'));
  });
});

test('listing an origin changes no V8 flag (staging tunes V8 only once it will upload: src/runtime/v8-flags.ts)', async () => {
  const flagsTag = cachedDataVersionTag();
  const listing = await listOriginFiles(makeDir({ 'model.pkl': 'weights', 'assets/vocab.txt': 'a' }));
  assert.equal(listing.files.length, 2);
  assert.equal(cachedDataVersionTag(), flagsTag);
});
