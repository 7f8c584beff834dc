// The crc32c worker (staging's big files, on the second core during the sha256 pass): each file's
// value, in order, as src/checksum computes it, with the WebAssembly loop, with the CPU's
// instruction, and with a native module that does not load; an unreadable file is that file's error.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { crc32c, crc32cBase64, nativeCrc32cModule } from '../../src/checksum/crc32c';
import { Crc32cWorker } from '../../src/upload/checksum-worker';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aip-crc-worker-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('each file read on the worker has the crc32c of its bytes', async () => {
  const contents = [randomBytes(600 * 1024 + 13), Buffer.alloc(0), randomBytes(70_001)];
  const paths = contents.map((data, i) => {
    const file = path.join(dir, `f${i}`);
    fs.writeFileSync(file, data);
    return file;
  });
  const worker = new Crc32cWorker(paths);
  assert.deepEqual(
    await Promise.all(worker.crc32cs),
    contents.map((data) => crc32cBase64(crc32c(data))),
  );
});

test('with the native module, and with one that does not load, the same values', async () => {
  const contents = [randomBytes(300 * 1024 + 7), randomBytes(5)];
  const paths = contents.map((data, i) => {
    const file = path.join(dir, `n${i}`);
    fs.writeFileSync(file, data);
    return file;
  });
  const expected = contents.map((data) => crc32cBase64(crc32c(data)));
  const native = nativeCrc32cModule();
  assert.ok(native, '@node-rs/crc32 is installed (an optional dependency with a binary for this platform)');
  assert.deepEqual(await Promise.all(new Crc32cWorker(paths, native).crc32cs), expected);
  assert.deepEqual(await Promise.all(new Crc32cWorker(paths, path.join(dir, 'no-such-module.js')).crc32cs), expected);
});

test('a file that cannot be read rejects with its own error; the others still arrive', async () => {
  const readable = path.join(dir, 'ok');
  fs.writeFileSync(readable, 'bytes');
  const worker = new Crc32cWorker([path.join(dir, 'missing'), readable]);
  await assert.rejects(worker.crc32cs[0], { code: 'ENOENT' });
  assert.equal(await worker.crc32cs[1], crc32cBase64(crc32c(Buffer.from('bytes'))));
});
