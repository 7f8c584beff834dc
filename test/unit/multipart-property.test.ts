// Property test of the emulator's multipart parser (RFC 2046): for every final byte value, random
// binary parts (with stray CR, LF and `--` near their ends) survive byte for byte, in bodies with
// CRLF and with bare-LF delimiters (gcloud's), however the body is split into chunks.
import { seededRandom } from '../../src/emulator/faults';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMultipart } from '../../src/emulator/storage/multipart';

/** Random bytes, biased towards the ones that matter to delimiters (CR, LF, '-'), ending in `last`. */
function part(rand: () => number, last: number): Buffer {
  const length = Math.floor(rand() * 200);
  const data = Buffer.alloc(length + 1);
  for (let i = 0; i < length; i++) data[i] = rand() < 0.3 ? [0x0d, 0x0a, 0x2d][Math.floor(rand() * 3)] : Math.floor(rand() * 256);
  data[length] = last;
  return data;
}

function body(boundary: string, eol: string, parts: Buffer[]): Buffer {
  const pieces: Buffer[] = [Buffer.from(`preamble${eol}`)];
  for (const [i, data] of parts.entries()) {
    pieces.push(Buffer.from(`--${boundary}${eol}Content-Type: application/x-part-${i}${eol}${eol}`), data, Buffer.from(eol));
  }
  pieces.push(Buffer.from(`--${boundary}--${eol}epilogue`));
  return Buffer.concat(pieces);
}

async function* chunks(data: Buffer, rand: () => number): AsyncGenerator<Buffer> {
  for (let at = 0; at < data.length; ) {
    const size = 1 + Math.floor(rand() * (rand() < 0.5 ? 4 : 97));
    yield data.subarray(at, at + size);
    at += size;
  }
}

async function parse(input: AsyncIterable<Buffer>, boundary: string): Promise<{ type: string; data: Buffer }[]> {
  const parts: { type: string; data: Buffer }[] = [];
  for await (const event of parseMultipart(input, boundary)) {
    if (event.kind === 'partStart') parts.push({ type: event.headers['content-type'], data: Buffer.alloc(0) });
    if (event.kind === 'data') parts[parts.length - 1].data = Buffer.concat([parts[parts.length - 1].data, event.data]);
  }
  return parts;
}

const SEED = Number(process.env.MULTIPART_SEED ?? Date.now() % 1_000_000);

describe(`multipart parser: random parts ending in every byte value (seed ${SEED}; MULTIPART_SEED replays)`, () => {
  for (const [label, eol] of [
    ['LF (gcloud)', '\n'],
    ['CRLF', '\r\n'],
  ] as const) {
    test(`${label} delimiters`, async () => {
      const rand = seededRandom(SEED);
      const boundary = '===============1234567890123456789==';
      for (let last = 0; last < 256; last++) {
        const parts = [part(rand, rand() * 256), part(rand, last)];
        // A part that is only a line break, or empty, is data too.
        if (last === 0x0d) parts.push(Buffer.from('\r'), Buffer.from('\r\n'), Buffer.from('\n'), Buffer.alloc(0));
        const parsed = await parse(chunks(body(boundary, eol, parts), rand), boundary);
        assert.equal(parsed.length, parts.length, `last byte 0x${last.toString(16)}`);
        parsed.forEach((p, i) => {
          assert.equal(p.type, `application/x-part-${i}`);
          assert.deepEqual(p.data, parts[i], `part ${i}, last byte 0x${last.toString(16)}`);
        });
      }
    });
  }

  test('a CR before an LF delimiter is data; a CRLF body does not end a part at a bare LF', async () => {
    const lf = await parse(chunks(Buffer.from('--b\nA: 1\n\nx\r\n--b--\n'), seededRandom(1)), 'b');
    assert.deepEqual(lf[0].data, Buffer.from('x\r'));
    const crlf = await parse(chunks(Buffer.from('--b\r\nA: 1\r\n\r\ny\n--b\r\n--b--\r\n'), seededRandom(2)), 'b');
    assert.deepEqual(crlf[0].data, Buffer.from('y\n--b'));
  });
});
