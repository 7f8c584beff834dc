// CRC32C, shared by the emulator (what it reports) and staging (what big files are checked by).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { crc32c, crc32cBase64, preferNativeCrc32c, crc32cUpdate, makeCrc32cUpdater, nativeCrc32cUpdater } from '../../src/checksum/crc32c';
import { functionSource } from '../../src/runtime';

const native = nativeCrc32cUpdater();
if (!native)
  process.stderr.write('\n*** SKIPPING the native crc32c checks: @node-rs/crc32 has no binary here (the WebAssembly loop runs) ***\n\n');

/** The definition, one bit at a time: what the table-driven loop must equal. */
function bitwise(data: Uint8Array): number {
  let c = ~0;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c >>> 0;
}

describe('crc32c', () => {
  test('the check value, the empty input, and the base64 form Cloud Storage uses', () => {
    assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
    assert.equal(crc32c(Buffer.alloc(0)), 0);
    assert.equal(crc32cBase64(0xe3069283), Buffer.from([0xe3, 0x06, 0x92, 0x83]).toString('base64'));
  });

  test('equals the bitwise definition at every alignment and length around the word loop', () => {
    const backing = randomBytes(256);
    for (let offset = 0; offset < 8; offset++) {
      for (let length = 0; length <= 100; length++) {
        const view = backing.subarray(offset, offset + length);
        assert.equal(crc32c(view), bitwise(view), `offset ${offset}, length ${length}`);
      }
    }
  });

  test('works incrementally, over pieces of any size', () => {
    const data = randomBytes(100_003);
    let running = 0;
    for (let at = 0; at < data.length; at += 7919) running = crc32cUpdate(running, data.subarray(at, at + 7919));
    assert.equal(running, crc32c(data));
    assert.equal(running, bitwise(data));
  });

  test('the updater runs from its source text alone, as the checksum worker runs it', () => {
    // In a scope of its own, with nothing but what functionSource() gives it (src/runtime/eval-worker.ts).
    const rebuilt = new Function(`return ${functionSource(makeCrc32cUpdater)}();`)() as (crc: number, data: Uint8Array) => number;
    const data = randomBytes(65_537);
    assert.equal(rebuilt(0, data), crc32c(data));
    assert.equal(rebuilt(rebuilt(0, data.subarray(0, 5)), data.subarray(5)), crc32c(data));
  });

  test('the CPU instruction (@node-rs/crc32) equals the definition at every alignment and length, and incrementally', {
    skip: !native,
  }, () => {
    const backing = randomBytes(256);
    for (let offset = 0; offset < 8; offset++) {
      for (let length = 0; length <= 100; length++) {
        const view = backing.subarray(offset, offset + length);
        assert.equal(native!(0, view), bitwise(view), `offset ${offset}, length ${length}`);
      }
    }
    const data = randomBytes(300_007);
    let running = 0;
    for (let at = 0; at < data.length; at += 65_521) running = native!(running, data.subarray(at, at + 65_521));
    assert.equal(running, makeCrc32cUpdater()(0, data));
    assert.equal(preferNativeCrc32c(), true);
    assert.equal(crc32c(data), running, 'crc32cUpdate now runs on it');
  });

  test('without the binary (or with GCLOUD_AIP_NO_NATIVE_CRC32C) the WebAssembly loop gives the same values', () => {
    const script = `const m = require('./src/checksum/crc32c.ts'); console.log(m.preferNativeCrc32c(), m.crc32c(Buffer.from('123456789')))`;
    const run = (env: NodeJS.ProcessEnv) =>
      execFileSync(process.execPath, ['--import', 'tsx', '-e', script], {
        cwd: path.resolve(__dirname, '../..'),
        env,
        encoding: 'utf8',
      }).trim();
    assert.equal(run({ ...process.env, GCLOUD_AIP_NO_NATIVE_CRC32C: '1' }), `false ${0xe3069283}`);
    assert.equal(run({ ...process.env, GCLOUD_AIP_NO_NATIVE_CRC32C: '' }), `${native !== undefined} ${0xe3069283}`);
  });
});
