// The emulator's Cloud Storage JSON API: CRC32C, multipart parsing, the three upload protocols,
// object get/list/download/delete, and @google-cloud/storage v7 running against it.
//
// @google-cloud/storage configuration that works against the emulator:
//   new Storage({
//     apiEndpoint: `http://127.0.0.1:${port}`,   // the library appends /storage/v1 and /upload/storage/v1
//     projectId: 'p',
//     useAuthWithCustomEndpoint: true,             // else no Authorization header is sent at all
//     authClient,                                  // new OAuth2Client() + setCredentials({access_token: 't'})
//   })
// Nothing else is needed: no `token` option, no STORAGE_EMULATOR_HOST, no metadata-server lookups.
// Without useAuthWithCustomEndpoint/authClient it works too, just unauthenticated. Resumable
// uploads (session POST and chunk PUTs) never carry Authorization with a custom endpoint, while
// multipart uploads and JSON API calls do. With `chunkSize` the library sends `bytes a-b/*` for
// every chunk but the last (`bytes a-b/N`); without it one PUT with `bytes 0-*/*`.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import * as fs from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { Storage } from '@google-cloud/storage';
import { OAuth2Client } from 'google-auth-library';
import { crc32c, crc32cBase64 } from '../../src/checksum/crc32c';
import { parseContentType, parseMultipart, type MultipartEvent } from '../../src/emulator/storage/multipart';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { parseAnswer, type StorageAnswer } from '../support/json';

function md5(data: Buffer): string {
  return createHash('md5').update(data).digest('base64');
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function bytes(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

async function send(emu: RunningEmulator, method: string, path: string, body?: Buffer | string, headers: Record<string, string> = {}) {
  const payload = typeof body === 'string' || body === undefined ? body : new Uint8Array(body);
  const res = await fetch(path.startsWith('http') ? path : new URL(path, emu.url), { method, headers, body: payload });
  const raw = Buffer.from(await res.arrayBuffer());
  const isJson = (res.headers.get('content-type') ?? '').startsWith('application/json');
  const json = parseAnswer<StorageAnswer>(isJson ? raw.toString() : '');
  return { status: res.status, headers: res.headers, raw, json };
}

function multipartBody(boundary: string, eol: string, metadata: object, media: Buffer, mediaType: string): Buffer {
  return Buffer.concat([
    Buffer.from(`--${boundary}${eol}Content-Type: application/json${eol}${eol}${JSON.stringify(metadata)}${eol}`),
    Buffer.from(`--${boundary}${eol}Content-Type: ${mediaType}${eol}Content-Transfer-Encoding: binary${eol}${eol}`),
    media,
    Buffer.from(`${eol}--${boundary}--${eol}`),
  ]);
}

describe('multipart parsing', () => {
  test('content type parameters: quoted with either quote or not at all', () => {
    assert.equal(parseContentType(`multipart/related; boundary='===============123=='`).params.boundary, '===============123==');
    assert.equal(parseContentType('Multipart/Related; boundary="a;b"; type=x').params.boundary, 'a;b');
    assert.equal(parseContentType('multipart/related;boundary=plain').params.boundary, 'plain');
    assert.equal(parseContentType('multipart/related;boundary=plain').mime, 'multipart/related');
  });

  for (const eol of ['\n', '\r\n']) {
    test(`byte-at-a-time input with ${JSON.stringify(eol)} line endings`, async () => {
      const media = Buffer.concat([Buffer.from(`x${eol}--notTheBoundary${eol}`), bytes(300), Buffer.from(eol)]);
      const body = multipartBody('BOUND', eol, { a: 1 }, media, 'application/octet-stream');
      async function* oneByteAtATime() {
        for (let i = 0; i < body.length; i++) yield body.subarray(i, i + 1);
      }
      const parts: Array<{ headers: Record<string, string>; data: Buffer }> = [];
      for await (const event of parseMultipart(oneByteAtATime(), 'BOUND') as AsyncGenerator<MultipartEvent>) {
        if (event.kind === 'partStart') parts.push({ headers: event.headers, data: Buffer.alloc(0) });
        if (event.kind === 'data') parts[parts.length - 1].data = Buffer.concat([parts[parts.length - 1].data, event.data]);
      }
      assert.equal(parts.length, 2);
      assert.deepEqual(JSON.parse(parts[0].data.toString()), { a: 1 });
      assert.equal(parts[1].headers['content-transfer-encoding'], 'binary');
      assert.deepEqual(parts[1].data, media);
    });
  }
});

describe('emulator: storage uploads', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({ buckets: ['bkt', 'media-bkt'] });
  });
  after(() => emu.close());

  const styles = [
    { label: 'LF, single-quoted boundary (gcloud)', eol: '\n', quote: "'" },
    { label: 'CRLF, double-quoted boundary', eol: '\r\n', quote: '"' },
    { label: 'CRLF, bare boundary', eol: '\r\n', quote: '' },
  ];
  for (const { label, eol, quote } of styles) {
    test(`multipart upload: ${label}`, async () => {
      const media = bytes(70_000, label.length);
      const boundary = '===============7330845974216740156==';
      const name = `multi/${label.length}/file.bin`;
      const res = await send(
        emu,
        'POST',
        `/upload/storage/v1/b/bkt/o?alt=json&name=${encodeURIComponent(name)}&uploadType=multipart`,
        multipartBody(boundary, eol, { size: String(media.length) }, media, 'application/x-thing'),
        { 'Content-Type': `multipart/related; boundary=${quote}${boundary}${quote}` },
      );
      assert.equal(res.status, 200, res.raw.toString());
      const object = res.json;
      assert.equal(object.kind, 'storage#object');
      assert.equal(object.name, name);
      assert.equal(object.bucket, 'bkt');
      assert.equal(object.size, String(media.length));
      assert.equal(object.md5Hash, md5(media));
      assert.equal(object.crc32c, crc32cBase64(crc32c(media)));
      assert.equal(object.contentType, 'application/x-thing');
      assert.equal(object.metageneration, '1');
      assert.equal(object.storageClass, 'STANDARD');
      assert.match(object.generation, /^\d+$/);
      assert.equal(object.id, `bkt/${name}/${object.generation}`);
      for (const field of ['selfLink', 'mediaLink', 'etag', 'timeCreated', 'updated'] as const) assert.ok(object[field], field);

      const logged = emu.requests().at(-1);
      assert.deepEqual(logged?.body, {
        multipart: [
          { contentType: 'application/json', json: { size: String(media.length) } },
          { contentType: 'application/x-thing', size: media.length, sha256: sha256(media) },
        ],
      });
      const download = await send(emu, 'GET', `/storage/v1/b/bkt/o/${encodeURIComponent(name)}?alt=media`);
      assert.deepEqual(download.raw, media);
    });
  }

  test('multipart: metadata contentType wins, client checksums are verified', async () => {
    const media = Buffer.from('checked');
    const boundary = 'b0undary';
    const path = '/upload/storage/v1/b/bkt/o?uploadType=multipart';
    const headers = { 'Content-Type': `multipart/related; boundary=${boundary}` };
    const good = await send(
      emu,
      'POST',
      path,
      multipartBody(
        boundary,
        '\r\n',
        { name: 'sum/ok.txt', contentType: 'text/x-meta', md5Hash: md5(media), crc32c: crc32cBase64(crc32c(media)), metadata: { k: 'v' } },
        media,
        'text/plain',
      ),
      headers,
    );
    assert.equal(good.status, 200);
    assert.equal(good.json.name, 'sum/ok.txt');
    assert.equal(good.json.contentType, 'text/x-meta');
    assert.deepEqual(good.json.metadata, { k: 'v' });

    const badMd5 = await send(
      emu,
      'POST',
      path,
      multipartBody(boundary, '\r\n', { name: 'sum/bad.txt', md5Hash: md5(Buffer.from('other')) }, media, 'text/plain'),
      headers,
    );
    assert.equal(badMd5.status, 400);
    assert.equal(badMd5.json.error.code, 400);
    assert.equal(badMd5.json.error.errors[0].domain, 'global');
    const badCrc = await send(
      emu,
      'POST',
      path,
      multipartBody(boundary, '\r\n', { name: 'sum/bad.txt', crc32c: 'AAAAAA==' }, media, 'text/plain'),
      headers,
    );
    assert.equal(badCrc.status, 400);
    assert.equal((await send(emu, 'GET', '/storage/v1/b/bkt/o/sum%2Fbad.txt')).status, 404);
  });

  test('bad multipart bodies are 400s and the server keeps answering', async () => {
    const path = '/upload/storage/v1/b/bkt/o?uploadType=multipart&name=broken';
    const unterminated = await send(emu, 'POST', path, '--x\r\nContent-Type: application/json\r\n\r\n{}\r\n--x\r\n\r\nabc', {
      'Content-Type': 'multipart/related; boundary=x',
    });
    assert.equal(unterminated.status, 400);
    const noBoundary = await send(emu, 'POST', path, 'whatever', { 'Content-Type': 'multipart/related' });
    assert.equal(noBoundary.status, 400);
    const wrongBoundary = await send(emu, 'POST', path, '--y\r\n\r\n{}\r\n--y--', { 'Content-Type': 'multipart/related; boundary=x' });
    assert.equal(wrongBoundary.status, 400);
    const onePart = await send(emu, 'POST', path, '--x\r\nContent-Type: application/json\r\n\r\n{}\r\n--x--\r\n', {
      'Content-Type': 'multipart/related; boundary=x',
    });
    assert.equal(onePart.status, 400);
    const notJson = await send(
      emu,
      'POST',
      path,
      multipartBody('x', '\n', {}, Buffer.from('a'), 'text/plain').toString().replace('{}', 'nope'),
      { 'Content-Type': 'multipart/related; boundary=x' },
    );
    assert.equal(notJson.status, 400);
    assert.equal((await send(emu, 'GET', '/storage/v1/b/bkt/o/broken')).status, 404);
    assert.equal((await send(emu, 'GET', '/storage/v1/b/bkt')).status, 200);
  });

  test('media upload', async () => {
    const data = bytes(1234);
    const res = await send(emu, 'POST', '/upload/storage/v1/b/media-bkt/o?uploadType=media&name=raw%2Fdata.bin', data, {
      'Content-Type': 'image/png',
    });
    assert.equal(res.status, 200);
    assert.equal(res.json.contentType, 'image/png');
    assert.equal(res.json.md5Hash, md5(data));
    assert.deepEqual(emu.requests().at(-1)?.body, { size: 1234, sha256: sha256(data) });
    assert.equal((await send(emu, 'POST', '/upload/storage/v1/b/media-bkt/o?uploadType=media', data)).status, 400, 'needs a name');
  });

  test('resumable upload in 3 chunks with status queries (gcloud path, absolute Location from Host)', async () => {
    const data = bytes(300_000, 9);
    const location = await new Promise<string>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: emu.port,
          method: 'POST',
          path: '/resumable/upload/storage/v1/b/bkt/o?alt=json&name=res%2Fthree.bin&uploadType=resumable',
          headers: {
            Host: `storage.example.test:${emu.port}`,
            'Content-Type': 'application/json',
            'X-Upload-Content-Type': 'application/x-res',
            'X-Upload-Content-Length': String(data.length),
          },
        },
        (res) => {
          res.resume();
          assert.equal(res.statusCode, 200);
          resolve(String(res.headers.location));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ size: String(data.length) }));
    });
    const url = new URL(location);
    assert.equal(url.host, `storage.example.test:${emu.port}`);
    assert.equal(url.pathname, '/resumable/upload/storage/v1/b/bkt/o');
    assert.equal(url.searchParams.get('uploadType'), 'resumable');
    assert.equal(url.searchParams.get('name'), 'res/three.bin');
    assert.ok(url.searchParams.get('upload_id'));
    const target = `/resumable/upload/storage/v1/b/bkt/o${url.search}`;

    const fresh = await send(emu, 'PUT', target, undefined, { 'Content-Range': `bytes */${data.length}` });
    assert.equal(fresh.status, 308);
    assert.equal(fresh.headers.get('range'), null, 'no Range while nothing was received');

    const one = await send(emu, 'PUT', target, data.subarray(0, 100_000), { 'Content-Range': `bytes 0-99999/${data.length}` });
    assert.equal(one.status, 308);
    assert.equal(one.headers.get('range'), 'bytes=0-99999');
    const query = await send(emu, 'PUT', target, undefined, { 'Content-Range': 'bytes */*' });
    assert.equal(query.status, 308);
    assert.equal(query.headers.get('range'), 'bytes=0-99999');
    // A re-send overlapping what is committed is fine: the committed prefix is ignored.
    const two = await send(emu, 'PUT', target, data.subarray(50_000, 200_000), { 'Content-Range': `bytes 50000-199999/${data.length}` });
    assert.equal(two.status, 308);
    assert.equal(two.headers.get('range'), 'bytes=0-199999');
    // A chunk past the committed offset leaves a gap: the client is told where to resume.
    const gap = await send(emu, 'PUT', target, data.subarray(250_000), { 'Content-Range': `bytes 250000-299999/${data.length}` });
    assert.equal(gap.status, 308);
    assert.equal(gap.headers.get('range'), 'bytes=0-199999');
    const three = await send(emu, 'PUT', target, data.subarray(200_000), { 'Content-Range': `bytes 200000-299999/${data.length}` });
    assert.equal(three.status, 200);
    assert.equal(three.json.size, String(data.length));
    assert.equal(three.json.md5Hash, md5(data));
    assert.equal(three.json.crc32c, crc32cBase64(crc32c(data)));
    assert.equal(three.json.contentType, 'application/x-res');
    assert.deepEqual((await send(emu, 'GET', '/storage/v1/b/bkt/o/res%2Fthree.bin?alt=media')).raw, data);
    // Asking again after completion returns the object.
    assert.equal((await send(emu, 'PUT', target, undefined, { 'Content-Range': 'bytes */*' })).status, 200);
  });

  test('resumable: open-ended chunk then the final one; streaming and whole-body PUTs', async () => {
    const data = bytes(150, 3);
    const start = await send(
      emu,
      'POST',
      '/upload/storage/v1/b/bkt/o?uploadType=resumable&name=open.bin',
      '{"contentType":"text/x-open"}',
      { 'Content-Type': 'application/json' },
    );
    const location = start.headers.get('location') ?? '';
    const first = await send(emu, 'PUT', location, data.subarray(0, 100), { 'Content-Range': 'bytes 0-99/*' });
    assert.equal(first.status, 308);
    assert.equal(first.headers.get('range'), 'bytes=0-99');
    const last = await send(emu, 'PUT', location, data.subarray(100), { 'Content-Range': 'bytes 100-149/150' });
    assert.equal(last.status, 200);
    assert.equal(last.json.size, '150');
    assert.equal(last.json.contentType, 'text/x-open');
    assert.equal(last.json.md5Hash, md5(data));

    for (const [label, headers] of [
      ['bytes 0-*/*', { 'Content-Range': 'bytes 0-*/*' }],
      ['no Content-Range', {}],
    ] as const) {
      const session = await send(emu, 'POST', `/upload/storage/v1/b/bkt/o?uploadType=resumable&name=${encodeURIComponent(label)}`, '');
      const put = await send(emu, 'PUT', session.headers.get('location') ?? '', data, headers);
      assert.equal(put.status, 200, label);
      assert.equal(put.json.crc32c, crc32cBase64(crc32c(data)), label);
    }

    const session = await send(emu, 'POST', '/upload/storage/v1/b/bkt/o?uploadType=resumable&name=mismatch', '{}');
    const wrongLength = await send(emu, 'PUT', session.headers.get('location') ?? '', data.subarray(0, 10), {
      'Content-Range': 'bytes 0-19/150',
    });
    assert.equal(wrongLength.status, 400);
    const badHash = await send(emu, 'PUT', session.headers.get('location') ?? '', data, {
      'Content-Range': 'bytes 0-149/150',
      'X-Goog-Hash': `crc32c=AAAAAA==,md5=${md5(data)}`,
    });
    assert.equal(badHash.status, 400);
    assert.equal((await send(emu, 'PUT', `${emu.url}upload/storage/v1/b/bkt/o?uploadType=resumable&upload_id=nope`, 'x')).status, 404);
    assert.equal(
      (await send(emu, 'PUT', session.headers.get('location') ?? '', 'x', { 'Content-Range': 'bits 1-2' })).status,
      404,
      'failed sessions are gone',
    );
  });
});

describe('emulator: storage objects', () => {
  let emu: RunningEmulator;
  const names = ['d/a.txt', 'd/b.txt', 'd/sub/c.txt', 'd/sub/deeper/e.txt', 'd2/x.txt', 'top.txt'];
  before(async () => {
    emu = await startEmulator({ buckets: ['list', 'empty-bucket', 'writes'] });
    for (const name of names.slice().reverse()) {
      const res = await send(
        emu,
        'POST',
        `/upload/storage/v1/b/list/o?uploadType=media&name=${encodeURIComponent(name)}`,
        `content of ${name}`,
        { 'Content-Type': 'text/plain' },
      );
      assert.equal(res.status, 200);
    }
  });
  after(() => emu.close());

  test('get metadata, 404s in Cloud Storage shape, download with Range, delete', async () => {
    const meta = await send(emu, 'GET', '/storage/v1/b/list/o/d%2Fsub%2Fc.txt');
    assert.equal(meta.status, 200);
    assert.equal(meta.json.name, 'd/sub/c.txt');
    assert.equal(meta.json.size, String('content of d/sub/c.txt'.length));
    // An unencoded slash in the object part is tolerated too.
    assert.equal((await send(emu, 'GET', '/storage/v1/b/list/o/d/sub/c.txt')).json.name, 'd/sub/c.txt');

    const missing = await send(emu, 'GET', '/storage/v1/b/list/o/nope');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json, {
      error: {
        code: 404,
        message: 'No such object: list/nope',
        errors: [{ message: 'No such object: list/nope', domain: 'global', reason: 'notFound' }],
      },
    });

    const media = await send(emu, 'GET', '/storage/v1/b/list/o/top.txt?alt=media');
    assert.equal(media.raw.toString(), 'content of top.txt');
    assert.equal(media.headers.get('content-type'), 'text/plain');
    assert.match(media.headers.get('x-goog-hash') ?? '', /crc32c=.+,md5=.+/);
    const head = await send(emu, 'HEAD', '/storage/v1/b/list/o/top.txt?alt=media');
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String('content of top.txt'.length));
    assert.equal(head.raw.length, 0);
    const part = await send(emu, 'GET', '/storage/v1/b/list/o/top.txt?alt=media', undefined, { Range: 'bytes=3-6' });
    assert.equal(part.status, 206);
    assert.equal(part.raw.toString(), 'tent');
    assert.equal(
      (await send(emu, 'GET', new URL(meta.json.mediaLink).pathname + new URL(meta.json.mediaLink).search)).raw.toString(),
      'content of d/sub/c.txt',
    );

    const bucket = await send(emu, 'GET', '/storage/v1/b/list');
    assert.equal(bucket.json.kind, 'storage#bucket');
    assert.equal(bucket.json.name, 'list');

    await send(emu, 'POST', '/upload/storage/v1/b/list/o?uploadType=media&name=gone', 'x');
    assert.equal((await send(emu, 'DELETE', '/storage/v1/b/list/o/gone')).status, 204);
    assert.equal((await send(emu, 'GET', '/storage/v1/b/list/o/gone')).status, 404);
    assert.equal((await send(emu, 'DELETE', '/storage/v1/b/list/o/gone')).status, 404);
  });

  test('delete with ifGenerationMatch removes only that write (412 for another, 404 when none)', async () => {
    const first = await send(emu, 'POST', '/upload/storage/v1/b/writes/o?uploadType=media&name=written', 'one');
    const second = await send(emu, 'POST', '/upload/storage/v1/b/writes/o?uploadType=media&name=written', 'two');
    assert.notEqual(first.json.generation, second.json.generation);
    const stale = await send(emu, 'DELETE', `/storage/v1/b/writes/o/written?ifGenerationMatch=${first.json.generation}`);
    assert.equal(stale.status, 412);
    assert.equal((await send(emu, 'GET', '/storage/v1/b/writes/o/written?alt=media')).raw.toString(), 'two');
    assert.equal((await send(emu, 'DELETE', '/storage/v1/b/writes/o/written?ifGenerationMatch=x')).status, 400);
    assert.equal((await send(emu, 'DELETE', `/storage/v1/b/writes/o/written?ifGenerationMatch=${second.json.generation}`)).status, 204);
    assert.equal((await send(emu, 'DELETE', `/storage/v1/b/writes/o/written?ifGenerationMatch=${second.json.generation}`)).status, 404);
  });

  test('custom metadata of a multipart or resumable upload is kept and listed', async () => {
    const metadata = { 'gcloud-aip': 'staged' };
    const boundary = 'b0undary';
    const body =
      `--${boundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify({ name: 'marked/multi', metadata })}\r\n` +
      `--${boundary}\r\nContent-Type: text/plain\r\n\r\nbytes\r\n--${boundary}--\r\n`;
    const multi = await send(emu, 'POST', '/upload/storage/v1/b/writes/o?uploadType=multipart', body, {
      'Content-Type': `multipart/related; boundary=${boundary}`,
    });
    assert.equal(multi.status, 200);
    const start = await send(
      emu,
      'POST',
      '/resumable/upload/storage/v1/b/writes/o?uploadType=resumable&name=marked/resumable',
      JSON.stringify({ metadata }),
      {
        'Content-Type': 'application/json',
      },
    );
    const session = new URL(start.headers.get('location')!);
    assert.equal((await send(emu, 'PUT', session.pathname + session.search, 'bytes')).status, 200);
    const listed = await send(emu, 'GET', '/storage/v1/b/writes/o?prefix=marked/');
    assert.deepEqual(
      listed.json.items.map((o: { name: string; metadata?: unknown }) => [o.name, o.metadata]),
      [
        ['marked/multi', metadata],
        ['marked/resumable', metadata],
      ],
    );
  });

  test('list: sorted, prefix, delimiter, pagination', async () => {
    const all = await send(emu, 'GET', '/storage/v1/b/list/o');
    assert.equal(all.json.kind, 'storage#objects');
    assert.deepEqual(
      all.json.items.map((o) => o.name),
      names,
    );

    const prefixed = await send(emu, 'GET', '/storage/v1/b/list/o?prefix=d%2F');
    assert.deepEqual(
      prefixed.json.items.map((o) => o.name),
      ['d/a.txt', 'd/b.txt', 'd/sub/c.txt', 'd/sub/deeper/e.txt'],
    );

    const dirs = await send(emu, 'GET', '/storage/v1/b/list/o?prefix=d%2F&delimiter=%2F');
    assert.deepEqual(
      dirs.json.items.map((o) => o.name),
      ['d/a.txt', 'd/b.txt'],
    );
    assert.deepEqual(dirs.json.prefixes, ['d/sub/']);

    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await send(emu, 'GET', `/storage/v1/b/list/o?maxResults=2${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`);
      seen.push(...page.json.items.map((o) => o.name));
      token = page.json.nextPageToken;
      pages++;
    } while (token);
    assert.deepEqual(seen, names);
    assert.equal(pages, 3);

    assert.deepEqual((await send(emu, 'GET', '/storage/v1/b/empty-bucket/o')).json, { kind: 'storage#objects' });
  });
});

describe('emulator: buckets exist once created', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({ buckets: ['at-start'] });
  });
  after(() => emu.close());

  const missing = {
    code: 404,
    message: 'The specified bucket does not exist.',
    errors: [{ message: 'The specified bucket does not exist.', domain: 'global', reason: 'notFound' }],
  };

  test("a bucket nobody created is the service's 404 for every call naming it", async () => {
    for (const [method, path] of [
      ['GET', '/storage/v1/b/typo-bucket'],
      ['GET', '/storage/v1/b/typo-bucket/o'],
      ['GET', '/storage/v1/b/typo-bucket/o/x'],
      ['DELETE', '/storage/v1/b/typo-bucket/o/x'],
      ['POST', '/upload/storage/v1/b/typo-bucket/o?uploadType=media&name=x'],
      ['POST', '/upload/storage/v1/b/typo-bucket/o?uploadType=resumable&name=x'],
    ]) {
      const res = await send(emu, method, path, method === 'POST' ? 'x' : undefined);
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.deepEqual(res.json, { error: missing }, `${method} ${path}`);
    }
  });

  test('buckets.insert: created once (409 after), then usable; the start-up list exists', async () => {
    const insert = (body: string, query = '?project=p') =>
      send(emu, 'POST', `/storage/v1/b${query}`, body, { 'Content-Type': 'application/json' });
    const created = await insert('{"name":"new-bucket"}');
    assert.equal(created.status, 200, created.raw.toString());
    assert.equal(created.json.name, 'new-bucket');
    assert.equal(created.json.kind, 'storage#bucket');
    assert.equal((await insert('{"name":"new-bucket"}')).status, 409);
    assert.equal((await insert('{"name":"Bad_Name"}')).status, 400);
    assert.equal((await insert('{"name":"no-project"}', '')).status, 400);
    assert.equal((await send(emu, 'POST', '/upload/storage/v1/b/new-bucket/o?uploadType=media&name=x', 'x')).status, 200);
    assert.equal((await send(emu, 'GET', '/storage/v1/b/at-start/o')).status, 200);
  });
});

describe('emulator: @google-cloud/storage v7 against it', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());

  test('uploads (multipart and chunked resumable), lists and downloads with md5/crc32c validation', async () => {
    const authClient = new OAuth2Client();
    authClient.setCredentials({ access_token: 'test-token' });
    const storage = new Storage({
      apiEndpoint: `http://127.0.0.1:${emu.port}`,
      projectId: 'p',
      useAuthWithCustomEndpoint: true,
      authClient,
    });
    const [bucket] = await storage.createBucket('lib-bucket');
    const small = bytes(5000, 5);
    const large = bytes(3 * 256 * 1024 + 12345, 6);

    await bucket.file('lib/small.bin').save(small, { resumable: false, validation: 'md5', contentType: 'application/x-small' });
    await bucket.file('lib/crc.bin').save(small, { resumable: false, validation: 'crc32c' });
    await bucket.file('lib/large.bin').save(large, { resumable: true, chunkSize: 256 * 1024, validation: 'crc32c' });
    await bucket.file('lib/stream.bin').save(large, { resumable: true, validation: 'md5' });

    const [files] = await bucket.getFiles({ prefix: 'lib/' });
    assert.deepEqual(
      files.map((f) => f.name),
      ['lib/crc.bin', 'lib/large.bin', 'lib/small.bin', 'lib/stream.bin'],
    );
    const [metadata] = await bucket.file('lib/large.bin').getMetadata();
    assert.equal(metadata.size, String(large.length));
    assert.equal(metadata.md5Hash, md5(large));
    assert.equal((await bucket.file('lib/small.bin').getMetadata())[0].contentType, 'application/x-small');
    const [downloaded] = await bucket.file('lib/large.bin').download({ validation: 'crc32c' });
    assert.deepEqual(downloaded, large);

    const requests = emu.requests();
    const chunkRanges = requests.filter((r) => r.method === 'PUT').map((r) => r.headers['content-range']);
    assert.ok(chunkRanges.includes('bytes 0-262143/*'), chunkRanges.join(' | '));
    assert.ok(chunkRanges.includes(`bytes 786432-${large.length - 1}/${large.length}`), chunkRanges.join(' | '));
    assert.ok(chunkRanges.includes('bytes 0-*/*'), chunkRanges.join(' | '));
    const multipart = requests.find((r) => r.method === 'POST' && r.query.uploadType?.[0] === 'multipart');
    assert.equal(multipart?.headers.authorization, 'Bearer test-token');
  });
});

describe('issue 30: a gzip upload whose connection ends mid-decompression', () => {
  test('leaves no temporary file behind', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gcloud-aip-gzip-cut-'));
    const tmp = path.join(dataDir, 'tmp');
    const emulator = await startEmulator({ port: 0, dataDir, buckets: ['b'] });
    try {
      // 64 MiB that compress to little: the body is far from decompressed when half of it has come.
      const raw = Buffer.alloc(64 * 1024 * 1024);
      for (let i = 0; i < raw.length; i += 4096) raw.writeUInt32LE(i, i);
      const body = gzipSync(raw);
      for (let i = 0; i < 3; i++) {
        const socket = connect(emulator.port, '127.0.0.1');
        await once(socket, 'connect');
        socket.write(
          `POST /upload/storage/v1/b/b/o?uploadType=media&name=cut${i} HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nContent-Length: ${body.length}\r\n\r\n`,
        );
        socket.write(body.subarray(0, body.length >> 1));
        // Cut once the emulator is writing the object.
        await until(() => fs.readdirSync(tmp).some((f) => fs.statSync(path.join(tmp, f)).size > 0));
        socket.destroy();
        await until(() => fs.readdirSync(tmp).length === 0);
        assert.deepEqual(fs.readdirSync(tmp), []);
      }
    } finally {
      await emulator.close();
    }
  });
});

/** Polls `done` every 20 ms, for 20 s at most (past any bound: the assertion after it then fails). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
}
