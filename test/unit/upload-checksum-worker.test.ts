// The crc32c worker (staging's big files when the CPU's CRC32C instruction is not available): each
// file's value, in order, as src/checksum computes it, and an unreadable file is that file's error.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { crc32c, crc32cBase64 } from '../../src/checksum/crc32c';
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

test('a file that cannot be read rejects with its own error; the others still arrive', async () => {
  const readable = path.join(dir, 'ok');
  fs.writeFileSync(readable, 'bytes');
  const worker = new Crc32cWorker([path.join(dir, 'missing'), readable]);
  await assert.rejects(worker.crc32cs[0], { code: 'ENOENT' });
  assert.equal(await worker.crc32cs[1], crc32cBase64(crc32c(Buffer.from('bytes'))));
});
