// stageLocalOrigin against a tiny in-process fake of the Cloud Storage upload API: multipart and
// resumable uploads (chunks, status queries) and a paginated objects.list.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { crc32c, crc32cBase64 } from '../../src/checksum/crc32c';
import { UserError } from '../../src/errors';
import { computeStagingPrefix } from '../../src/upload/prefix';
import { fakeClock, testHttp } from '../support/net';
import { MULTIPART_MAX_BYTES } from '../../src/upload/limits';
import { hashOrigin } from '../../src/upload/origin-hash';
import { stageLocalOrigin, type StageOptions, type StageProgress } from '../../src/upload/stage';
import { listOriginFiles } from '../../src/upload/walk';
import { tempDir } from '../support/temp';

// ---- the fake -------------------------------------------------------------------------------

interface StoredObject {
  data: Buffer;
  contentType: string;
}

interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
}

/** How the fake answers an upload of `name` into `bucket`. */
type Behaviour = (
  bucket: string,
  name: string,
) => 'store' | 'bad-size' | 'bad-md5' | 'bad-crc32c' | 'hang' | { status: number; message: string };

/** How the fake answers a resumable PUT: store it all, or keep only part of it and fail. */
type ChunkBehaviour = (putNumber: number) => 'store' | { keepBytes: number; status: number };

class FakeGcs {
  readonly objects = new Map<string, StoredObject>(); // key: `${bucket}/${name}`
  readonly requests: RecordedRequest[] = [];
  behaviour: Behaviour = () => 'store';
  chunkBehaviour: ChunkBehaviour = () => 'store';
  /** objects.list answers with this status instead of the objects, when set. */
  listStatus: number | undefined;
  listPageSize = 1000;
  /** Requests whose connection the client dropped before an answer. */
  abandoned = 0;
  private sessions = new Map<string, { bucket: string; name: string; contentType: string; data: Buffer; total?: number }>();
  private server = http.createServer((req, res) => this.handle(req, res));
  private nextSession = 0;
  private puts = 0;

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/storage/v1/`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  reset(): void {
    // A request an earlier test cut off must not land in this one (on a busy machine it can still be arriving).
    this.server.closeAllConnections();
    this.objects.clear();
    this.requests.length = 0;
    this.sessions.clear();
    this.behaviour = () => 'store';
    this.chunkBehaviour = () => 'store';
    this.listStatus = undefined;
    this.listPageSize = 1000;
    this.abandoned = 0;
    this.puts = 0;
  }

  /** The requests that upload (everything but objects.list). */
  get uploads(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET');
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      this.requests.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers });
      const match = /^(?:\/resumable)?\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
      const body = Buffer.concat(chunks);
      const uploadType = url.searchParams.get('uploadType');
      if (req.method === 'DELETE') return send(res, 204);
      const list = /^\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
      if (req.method === 'GET' && list) return this.list(res, decodeURIComponent(list[1]), url);
      if (!match) return sendError(res, 404, `No route for ${req.method} ${url.pathname}`);
      const bucket = decodeURIComponent(match[1]);
      if (url.searchParams.has('upload_id')) return this.resumablePut(req, res, url, body);
      if (req.method === 'POST' && uploadType === 'multipart') return this.multipart(req, res, bucket, url, body);
      if (req.method === 'POST' && uploadType === 'resumable') return this.resumableStart(req, res, bucket, url, body);
      sendError(res, 400, 'Unsupported upload request');
    });
    // Counted only once recorded, so a request cut off before it was whole leaves no trace.
    res.on('close', () => {
      if (!res.writableFinished && req.complete) this.abandoned++;
    });
  }

  /** Stores the object unless the behaviour says otherwise; answers like GCS. */
  private finish(res: http.ServerResponse, bucket: string, name: string, data: Buffer, contentType: string): void {
    const behaviour = this.behaviour(bucket, name);
    if (behaviour === 'hang') return;
    if (typeof behaviour === 'object') {
      sendError(res, behaviour.status, behaviour.message);
      return;
    }
    this.objects.set(`${bucket}/${name}`, { data, contentType });
    send(res, 200, {
      kind: 'storage#object',
      bucket,
      name,
      contentType,
      size: String(data.length + (behaviour === 'bad-size' ? 1 : 0)),
      md5Hash: md5(behaviour === 'bad-md5' ? 'other' : data),
      crc32c: crc32cOf(behaviour === 'bad-crc32c' ? Buffer.from('other') : data),
    });
  }

  private list(res: http.ServerResponse, bucket: string, url: URL): void {
    if (this.listStatus !== undefined) {
      sendError(res, this.listStatus, 'listing refused');
      return;
    }
    const prefix = url.searchParams.get('prefix') ?? '';
    const names = [...this.objects.keys()]
      .filter((key) => key.startsWith(`${bucket}/${prefix}`))
      .map((key) => key.slice(bucket.length + 1))
      .sort();
    const from = Number(url.searchParams.get('pageToken') ?? 0);
    const page = names.slice(from, from + this.listPageSize);
    const items = page.map((name) => {
      const data = this.objects.get(`${bucket}/${name}`)!.data;
      return { name, size: String(data.length), md5Hash: md5(data), crc32c: crc32cOf(data) };
    });
    send(res, 200, {
      kind: 'storage#objects',
      items,
      ...(from + page.length < names.length ? { nextPageToken: String(from + page.length) } : {}),
    });
  }

  private multipart(req: http.IncomingMessage, res: http.ServerResponse, bucket: string, url: URL, body: Buffer): void {
    const boundary = /boundary=(?:"([^"]+)"|'([^']+)'|([^;\s]+))/.exec(req.headers['content-type'] ?? '');
    if (!boundary) {
      sendError(res, 400, 'Malformed multipart upload body.');
      return;
    }
    const parts = splitMultipart(body, boundary[1] ?? boundary[2] ?? boundary[3]);
    if (parts.length < 2) {
      sendError(res, 400, 'Malformed multipart upload body.');
      return;
    }
    const metadata = JSON.parse(parts[0].body.toString('utf8')) as { name?: string; contentType?: string };
    const name = url.searchParams.get('name') ?? metadata.name ?? '';
    this.finish(res, bucket, name, parts[1].body, metadata.contentType ?? parts[1].headers['content-type'] ?? '');
  }

  private resumableStart(req: http.IncomingMessage, res: http.ServerResponse, bucket: string, url: URL, body: Buffer): void {
    const behaviour = this.behaviour(bucket, url.searchParams.get('name') ?? '');
    if (behaviour === 'hang') return;
    if (typeof behaviour === 'object') {
      sendError(res, behaviour.status, behaviour.message);
      return;
    }
    const metadata = (body.length ? JSON.parse(body.toString('utf8')) : {}) as { name?: string; contentType?: string };
    const id = `session-${this.nextSession++}`;
    const total = req.headers['x-upload-content-length'];
    this.sessions.set(id, {
      bucket,
      name: url.searchParams.get('name') ?? metadata.name ?? '',
      contentType: metadata.contentType ?? String(req.headers['x-upload-content-type'] ?? ''),
      data: Buffer.alloc(0),
      total: total === undefined ? undefined : Number(total),
    });
    const location = `http://${req.headers.host}${url.pathname}?uploadType=resumable&upload_id=${id}`;
    send(res, 200, undefined, { Location: location });
  }

  private resumablePut(req: http.IncomingMessage, res: http.ServerResponse, url: URL, body: Buffer): void {
    const session = this.sessions.get(url.searchParams.get('upload_id') ?? '');
    if (!session) {
      sendError(res, 404, 'No such upload session.');
      return;
    }
    // bytes a-b/N | bytes a-b/* | bytes a-*/* (the rest, open-ended) | bytes */N (status query)
    const range = /^bytes (\*|(\d+)-(\d+|\*))\/(\d+|\*)$/.exec(String(req.headers['content-range'] ?? ''));
    if (!range) {
      sendError(res, 400, 'Bad Content-Range.');
      return;
    }
    if (range[4] !== '*') session.total = Number(range[4]);
    if (range[2] !== undefined) {
      const behaviour = this.chunkBehaviour(this.puts++);
      const kept = behaviour === 'store' ? body : body.subarray(0, behaviour.keepBytes);
      session.data = Buffer.concat([session.data.subarray(0, Number(range[2])), kept]);
      if (behaviour !== 'store') {
        sendError(res, behaviour.status, 'chunk lost');
        return;
      }
      if (range[3] === '*') session.total = session.data.length;
    }
    if (session.total !== undefined && session.data.length >= session.total) {
      this.finish(res, session.bucket, session.name, session.data, session.contentType);
      return;
    }
    send(res, 308, undefined, session.data.length ? { Range: `bytes=0-${session.data.length - 1}` } : {});
  }
}

function send(res: http.ServerResponse, status: number, json?: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(json === undefined ? '' : JSON.stringify(json));
}

function sendError(res: http.ServerResponse, status: number, message: string): void {
  send(res, status, { error: { code: status, message, errors: [{ message, reason: 'fake' }] } });
}

function splitMultipart(body: Buffer, boundary: string): { headers: Record<string, string>; body: Buffer }[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: { headers: Record<string, string>; body: Buffer }[] = [];
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const afterDelimiter = start + delimiter.length;
    if (body.subarray(afterDelimiter, afterDelimiter + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, afterDelimiter);
    if (next < 0) break;
    const part = body.subarray(body.indexOf('\n', afterDelimiter) + 1, next);
    const headEnd = part.indexOf('\r\n\r\n');
    const headers: Record<string, string> = {};
    for (const line of part.subarray(0, headEnd).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    let content = part.subarray(headEnd + 4);
    if (content.subarray(-2).toString() === '\r\n') content = content.subarray(0, -2);
    parts.push({ headers, body: content });
    start = next;
  }
  return parts;
}

// ---- fixtures ---------------------------------------------------------------------------------

const fake = new FakeGcs();
let endpoint = '';
const scratch = tempDir('upload-stage-');
let dirCount = 0;

before(async () => {
  endpoint = await fake.start();
});
after(async () => {
  await fake.stop();
  rmSync(scratch, { recursive: true, force: true });
});
beforeEach(() => fake.reset());

function makeModel(files: Record<string, string | Buffer>): string {
  const root = path.join(scratch, `model${dirCount++}`);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  }
  return root;
}

function bytes(size: number, seed: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 131 + seed * 17 + (i >> 9)) & 0xff;
  return b;
}

const md5 = (data: Buffer | string) => createHash('md5').update(data).digest('base64');
const crc32cOf = (data: Buffer) => crc32cBase64(crc32c(data));
const sha256 = (...parts: (Buffer | string)[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

const TOKEN = { token: async () => 'test-token-123' };

function options(origin: string, extra: Partial<StageOptions> & { quotaProject?: string } = {}): StageOptions {
  const { quotaProject, ...rest } = extra;
  return {
    origin,
    bucket: 'staging-bucket',
    storageEndpoint: endpoint,
    http: testHttp({ quotaProject }),
    credentials: TOKEN,
    clock: fakeClock(),
    ...rest,
  };
}

async function rejectsWithUserError(promise: Promise<unknown>, message: string | RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof UserError, `expected a UserError, got ${String(err)}`);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    assert.ok(!err.message.includes('test-token-123'), 'the token must never show');
    return true;
  });
}

// ---- tests ------------------------------------------------------------------------------------

describe('stageLocalOrigin', () => {
  test('uploads every file under <sha256>/<relative path> with gcloud content types', async () => {
    const files: Record<string, string | Buffer> = {
      'saved_model.pb': bytes(1000, 1),
      'variables/variables.index': bytes(10, 2),
      'variables/variables.data-00000-of-00001': bytes(70_000, 3),
      'assets/vocab.txt': 'a\nb\n',
      'empty.txt': '',
      '.hidden.json': '{}',
      'my dir/é t.md': '# hi',
    };
    const origin = makeModel(files);
    const progress: StageProgress[] = [];
    const uri = await stageLocalOrigin(options(origin, { onProgress: (p) => progress.push(p), quotaProject: 'billing-proj' }));

    const order = Object.keys(files).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const hex = sha256(...order.map((rel) => files[rel]));
    assert.equal(uri, `gs://staging-bucket/${hex}/`);

    const expectedTypes: Record<string, string> = {
      'saved_model.pb': 'application/octet-stream',
      'variables/variables.index': 'application/octet-stream',
      'variables/variables.data-00000-of-00001': 'application/octet-stream',
      'assets/vocab.txt': 'text/plain',
      'empty.txt': 'text/plain',
      '.hidden.json': 'application/json',
      'my dir/é t.md': 'text/markdown',
    };
    assert.deepEqual([...fake.objects.keys()].sort(), order.map((rel) => `staging-bucket/${hex}/${rel}`).sort());
    for (const rel of order) {
      const stored = fake.objects.get(`staging-bucket/${hex}/${rel}`)!;
      const local = Buffer.from(files[rel]);
      assert.equal(stored.data.length, local.length, rel);
      assert.equal(md5(stored.data), md5(local), rel);
      assert.equal(stored.contentType, expectedTypes[rel], rel);
    }
    // One listing of the prefix, then one multipart request per small file, all with our headers.
    assert.equal(fake.requests[0].method, 'GET');
    assert.equal(fake.requests[0].query.get('prefix'), `${hex}/`);
    assert.equal(fake.uploads.length, order.length);
    for (const req of fake.uploads) assert.equal(req.query.get('uploadType'), 'multipart');
    for (const req of fake.requests) {
      assert.equal(req.headers.authorization, 'Bearer test-token-123');
      assert.equal(req.headers['x-goog-user-project'], 'billing-proj');
    }

    const totalBytes = order.reduce((sum, rel) => sum + Buffer.byteLength(files[rel]), 0);
    const counts = { filesTotal: order.length, bytesTotal: totalBytes, filesSkipped: 0, bytesSkipped: 0 };
    assert.deepEqual(progress[0], { phase: 'hashing', filesDone: 0, bytesDone: 0, ...counts });
    assert.deepEqual(progress.at(-1), { phase: 'done', filesDone: order.length, bytesDone: totalBytes, ...counts });
    assert.deepEqual([...new Set(progress.map((p) => p.phase))], ['hashing', 'listing', 'uploading', 'done']);
  });

  test('files over 5 MiB go resumable, in chunks of chunkSize, authorized on every request', async () => {
    const big = bytes(MULTIPART_MAX_BYTES + 300_000, 7);
    const origin = makeModel({ 'model.bst': big, 'small.txt': 'x' });
    const uri = await stageLocalOrigin(options(origin, { chunkSize: 1024 * 1024, concurrency: 1 }));
    const hex = sha256(big, 'x');
    assert.equal(uri, `gs://staging-bucket/${hex}/`);

    const stored = fake.objects.get(`staging-bucket/${hex}/model.bst`)!;
    assert.equal(md5(stored.data), md5(big));
    assert.equal(stored.contentType, 'application/octet-stream');
    const resumable = fake.requests.filter((r) => r.query.get('uploadType') === 'resumable');
    const puts = resumable.filter((r) => r.method === 'PUT');
    assert.equal(resumable.length - puts.length, 1, 'one session start');
    assert.equal(puts.length, Math.ceil(big.length / (1024 * 1024)));
    assert.equal(resumable[0].headers['x-upload-content-length'], String(big.length));
    for (const req of fake.requests) assert.equal(req.headers.authorization, 'Bearer test-token-123', `${req.method} ${req.path}`);
  });

  test("without chunkSize, gcloud's 100 MiB chunks: a 5 MiB file goes in one PUT", async () => {
    const big = bytes(MULTIPART_MAX_BYTES + 1, 9);
    const origin = makeModel({ 'model.pkl': big });
    const uri = await stageLocalOrigin(options(origin));
    const stored = fake.objects.get(`staging-bucket/${sha256(big)}/model.pkl`)!;
    assert.equal(uri, `gs://staging-bucket/${sha256(big)}/`);
    assert.equal(md5(stored.data), md5(big));
    assert.equal(fake.requests.filter((r) => r.method === 'PUT').length, 1);
  });

  test('a file of exactly 5 MiB still goes multipart', async () => {
    const origin = makeModel({ 'edge.bin': bytes(MULTIPART_MAX_BYTES, 4) });
    await stageLocalOrigin(options(origin));
    assert.deepEqual(
      fake.uploads.map((r) => r.query.get('uploadType')),
      ['multipart'],
    );
  });

  test('no token: no Authorization header on any request, multipart or resumable', async () => {
    const origin = makeModel({ 'a.txt': 'a', 'big.bin': bytes(MULTIPART_MAX_BYTES + 10, 5) });
    await stageLocalOrigin(options(origin, { credentials: { token: async () => undefined } }));
    assert.ok(fake.requests.length >= 3);
    for (const req of fake.requests) {
      assert.equal(req.headers.authorization, undefined);
      assert.equal(req.headers['x-goog-user-project'], undefined);
    }
    await stageLocalOrigin(options(origin, { credentials: undefined }));
    for (const req of fake.requests) assert.equal(req.headers.authorization, undefined);
  });

  test('validation comes first: a bad origin fails before any request', async () => {
    await rejectsWithUserError(
      stageLocalOrigin(options(path.join(scratch, 'missing'))),
      `[${path.join(scratch, 'missing')}] is not a valid directory.`,
    );
    const empty = path.join(scratch, `empty${dirCount++}`);
    mkdirSync(path.join(empty, 'sub'), { recursive: true });
    await rejectsWithUserError(
      stageLocalOrigin(options(empty)),
      `Cannot upload contents of directory [${empty}] to Google Cloud Storage; directory has no files.`,
    );
    assert.equal(fake.requests.length, 0);
  });

  test('404: the bucket does not exist', async () => {
    const origin = makeModel({ 'model.pkl': 'm' });
    fake.behaviour = () => ({ status: 404, message: 'The specified bucket does not exist.' });
    await rejectsWithUserError(stageLocalOrigin(options(origin)), 'Could not upload file: [staging-bucket] bucket does not exist.');
  });

  test('404 on starting a resumable upload: the bucket does not exist', async () => {
    const origin = makeModel({ 'model.pkl': bytes(MULTIPART_MAX_BYTES + 1, 3) });
    fake.behaviour = () => ({ status: 404, message: 'The specified bucket does not exist.' });
    await rejectsWithUserError(stageLocalOrigin(options(origin)), 'Could not upload file: [staging-bucket] bucket does not exist.');
  });

  test('403: status, local path as typed, bucket/object and the server message', async () => {
    const dir = makeModel({ 'model.pkl': 'm' });
    const typed = path.relative(process.cwd(), dir);
    const message = 'caller does not have storage.objects.create access to the Google Cloud Storage object.';
    fake.behaviour = () => ({ status: 403, message });
    const hex = sha256('m');
    await rejectsWithUserError(
      stageLocalOrigin(options(typed)),
      `403 Could not upload file [${typed}/model.pkl] to [staging-bucket/${hex}/model.pkl]: ${message}`,
    );
  });

  test('403 on a resumable upload has the same shape', async () => {
    const big = bytes(MULTIPART_MAX_BYTES + 1, 6);
    const origin = makeModel({ 'w.bin': big });
    fake.behaviour = () => ({ status: 403, message: 'denied' });
    await rejectsWithUserError(
      stageLocalOrigin(options(origin)),
      `403 Could not upload file [${origin}/w.bin] to [staging-bucket/${sha256(big)}/w.bin]: denied`,
    );
  });

  test('a response size that differs from the local size fails like gcloud', async () => {
    const dir = makeModel({ 'model.pkl': 'pickle' });
    const typed = path.relative(process.cwd(), dir);
    fake.behaviour = () => 'bad-size';
    await rejectsWithUserError(
      stageLocalOrigin(options(typed)),
      `Cloud storage upload failure. Uploaded file does not match local file: ${typed}/model.pkl. Please retry.`,
    );
  });

  for (const [kind, behaviour, size] of [
    ['small file', 'bad-crc32c', 6],
    ['big file', 'bad-crc32c', MULTIPART_MAX_BYTES + 1],
  ] as const) {
    test(`a checksum the server disagrees with (${kind}) is reported like a size mismatch`, async () => {
      const origin = makeModel({ 'model.bin': bytes(size, 5) });
      fake.behaviour = () => behaviour;
      await rejectsWithUserError(
        stageLocalOrigin(options(origin)),
        `Cloud storage upload failure. Uploaded file does not match local file: ${origin}/model.bin. Please retry.`,
      );
    });
  }

  test('files are checked by crc32c: one whose md5 alone is wrong is accepted', async () => {
    // 130 MiB of big files: their crc32c is taken on the worker (WORKER_CHECKSUM_MIN_BYTES is 128 MiB;
    // test/e2e/deploy-safety.test.ts runs that path with and without the CPU's instruction).
    const big = Buffer.alloc(65 * 1024 * 1024, 3);
    big.write('first', 17);
    const other = Buffer.from(big).fill(9, 1000, 2000);
    const origin = makeModel({ 'a.bin': big, 'b.bin': other, 'c.txt': 'small' });
    fake.behaviour = () => 'bad-md5';
    const uri = await stageLocalOrigin(options(origin));
    const hex = uri.slice('gs://staging-bucket/'.length, -1);
    assert.deepEqual(fake.objects.get(`staging-bucket/${hex}/b.bin`)!.data, other);
    fake.objects.clear();
    fake.behaviour = (_bucket, name) => (name === 'b.bin' || name.endsWith('/b.bin') ? 'bad-crc32c' : 'store');
    await rejectsWithUserError(
      stageLocalOrigin(options(origin)),
      new RegExp(`^Cloud storage upload failure\\. Uploaded file does not match local file: ${origin}/b\\.bin\\. Please retry\\.\\n`),
    );
  });

  test('a 503 is retried (the object name is content-addressed, so repeating is safe)', async () => {
    const origin = makeModel({ 'model.pkl': 'pickle' });
    let failures = 0;
    fake.behaviour = () => (failures++ === 0 ? { status: 503, message: 'try again' } : 'store');
    await stageLocalOrigin(options(origin));
    assert.equal(fake.uploads.length, 2);
    assert.equal(fake.objects.size, 1);
  });

  test('the first failure is what is thrown, promptly, even with uploads still in flight', async () => {
    const files = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`part-${String(i).padStart(2, '0')}.bin`, `p${i}`]));
    const origin = makeModel(files);
    fake.behaviour = (_bucket, name) => (name.endsWith('/part-02.bin') ? { status: 403, message: 'nope' } : 'hang');
    const started = Date.now();
    await rejectsWithUserError(
      stageLocalOrigin(options(origin, { concurrency: 4 })),
      /^403 Could not upload file \[.*\/part-02\.bin\] to \[staging-bucket\/[0-9a-f]{64}\/part-02\.bin\]: nope$/,
    );
    assert.ok(Date.now() - started < 5000, 'the hanging uploads were not waited for');
    assert.ok(fake.uploads.length <= 4, 'nothing new starts after the failure');
    await waitFor(
      () => fake.abandoned === fake.uploads.length - 1,
      2000,
      () => `abandoned ${fake.abandoned}`,
    );
    assert.equal(fake.objects.size, 0);
  });

  test('a failure drops the resumable uploads in flight (their connections are closed)', async () => {
    const origin = makeModel({
      'a-big.bin': bytes(MULTIPART_MAX_BYTES + 1, 1),
      'b-big.bin': bytes(MULTIPART_MAX_BYTES + 2, 2),
      'c.txt': 'fails',
    });
    fake.behaviour = (_bucket, name) => (name.endsWith('/c.txt') ? { status: 403, message: 'nope' } : 'hang');
    await rejectsWithUserError(stageLocalOrigin(options(origin, { concurrency: 3 })), /c\.txt\]: nope$/);
    await waitFor(
      () => fake.abandoned === 2,
      2000,
      () => `abandoned ${fake.abandoned}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 200)); // longer than the retry back-off
    assert.equal(fake.uploads.length, 3, 'no request after the failure');
  });

  test('after a failure no new uploads start', async () => {
    const files = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`f${i}.txt`, `${i}`]));
    const origin = makeModel(files);
    fake.behaviour = (_bucket, name) => (name.endsWith('/f1.txt') ? { status: 400, message: 'bad' } : 'store');
    await rejectsWithUserError(
      stageLocalOrigin(options(origin, { concurrency: 1 })),
      /f1\.txt\]: bad\n1 object was uploaded to gs:\/\/staging-bucket\/[0-9a-f]{64}\/ before staging stopped; they stay there/,
    );
    assert.deepEqual(
      fake.uploads.map((r) => r.query.get('name')!.split('/')[1]),
      ['f0.txt', 'f1.txt'],
    );
  });

  test('a network failure is one clean line naming the file', async () => {
    const origin = makeModel({ 'model.pkl': 'm' });
    const closedPort = await unusedPort();
    await rejectsWithUserError(
      stageLocalOrigin(options(origin, { storageEndpoint: `http://127.0.0.1:${closedPort}/storage/v1/` })),
      new RegExp(
        `^Could not upload file \\[${escapeRegExp(origin)}/model\\.pkl\\] to \\[staging-bucket/[0-9a-f]{64}/model\\.pkl\\]: connect ECONNREFUSED 127\\.0\\.0\\.1:${closedPort}$`,
      ),
    );
  });

  test('the caller can abort: nothing new starts, every request in flight is dropped', async () => {
    const origin = makeModel({ 'a.txt': 'a', 'b-big.bin': bytes(MULTIPART_MAX_BYTES + 1, 8), 'c.txt': 'c' });
    fake.behaviour = () => 'hang';
    const controller = new AbortController();
    const staging = stageLocalOrigin(options(origin, { signal: controller.signal, concurrency: 2 }));
    await waitFor(() => fake.uploads.length === 3); // the two small files and the big one
    controller.abort();
    await rejectsWithUserError(staging, 'Aborted by user.');
    await waitFor(
      () => fake.abandoned === 3,
      2000,
      () => `abandoned ${fake.abandoned}`,
    );
    assert.equal(fake.uploads.length, 3);
  });

  test('a signal aborted before the call: no request at all', async () => {
    const origin = makeModel({ 'a.txt': 'a' });
    await rejectsWithUserError(stageLocalOrigin(options(origin, { signal: AbortSignal.abort() })), 'Aborted by user.');
    assert.equal(fake.requests.length, 0);
  });

  test('messages spell the local path as gcloud does: origin as typed + "/" + relative path', async () => {
    const dir = makeModel({ 'model.pkl': 'pickle' });
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      fake.behaviour = () => 'bad-size';
      await rejectsWithUserError(
        stageLocalOrigin(options('.')),
        'Cloud storage upload failure. Uploaded file does not match local file: ./model.pkl. Please retry.',
      );
      fake.objects.clear(); // or the second run finds the object there and skips it
      await rejectsWithUserError(
        stageLocalOrigin(options(`../${path.basename(dir)}/`)),
        `Cloud storage upload failure. Uploaded file does not match local file: ../${path.basename(dir)}//model.pkl. Please retry.`,
      );
    } finally {
      process.chdir(cwd);
    }
  });

  test('a hash pass run before staging (hashOrigin) is used as it is: its folder and checksums, no second pass', async () => {
    const big = bytes(MULTIPART_MAX_BYTES + 4096, 3);
    const origin = makeModel({ 'model.bst': big, 'small.txt': 'small' });
    const hashed = await hashOrigin(await listOriginFiles(origin));
    assert.equal(hashed.prefix, sha256(big, 'small'));
    // A folder name the files do not hash to shows that staging did not hash them again.
    const given = { ...hashed, prefix: 'f'.repeat(64) };
    let phases: StageProgress['phase'][] = [];
    const uri = await stageLocalOrigin(options(origin, { hashed: given, onProgress: (p) => phases.push(p.phase) }));
    assert.equal(uri, `gs://staging-bucket/${'f'.repeat(64)}/`);
    assert.deepEqual([...fake.objects.keys()].sort(), [
      `staging-bucket/${'f'.repeat(64)}/model.bst`,
      `staging-bucket/${'f'.repeat(64)}/small.txt`,
    ]);
    phases = [...new Set(phases)];
    assert.deepEqual(phases, ['listing', 'uploading', 'done'], 'nothing to hash');
    // A pass over another origin is refused (a bug in the caller), before any request.
    const other = makeModel({ 'x.txt': 'x' });
    fake.reset();
    await assert.rejects(stageLocalOrigin(options(other, { hashed })), /another listing than the one to stage/);
    assert.equal(fake.requests.length, 0);
    // The bytes read again to upload must still be those the pass hashed, however long ago it ran.
    writeFileSync(path.join(origin, 'small.txt'), 'SMALL');
    fake.reset();
    await rejectsWithUserError(
      stageLocalOrigin(options(origin, { hashed })),
      /^File \[.*\/small\.txt\] changed while the model was being staged \(after it was hashed to name the staging folder\)/,
    );
  });

  test('the deploymentUri matches computeStagingPrefix', async () => {
    const origin = makeModel({ b: 'second', a: 'first', 'c/d': 'third' });
    const uri = await stageLocalOrigin(options(origin));
    assert.equal(uri, `gs://staging-bucket/${await computeStagingPrefix(await listOriginFiles(origin))}/`);
  });

  test('a re-deploy of the same model uploads nothing: all objects are there with the same size and crc32c', async () => {
    const big = bytes(MULTIPART_MAX_BYTES + 5, 3);
    const origin = makeModel({ 'a.txt': 'a', 'b/c.bin': bytes(3000, 1), 'big.bin': big });
    const first = await stageLocalOrigin(options(origin));
    assert.equal(fake.objects.size, 3);
    fake.requests.length = 0;
    const progress: StageProgress[] = [];
    const second = await stageLocalOrigin(options(origin, { onProgress: (p) => progress.push(p) }));
    assert.equal(second, first);
    assert.deepEqual(
      fake.requests.map((r) => r.method),
      ['GET'],
      'one listing, no upload',
    );
    const total = 1 + 3000 + big.length;
    assert.deepEqual(progress.at(-1), {
      phase: 'done',
      filesTotal: 3,
      bytesTotal: total,
      filesDone: 3,
      bytesDone: total,
      filesSkipped: 3,
      bytesSkipped: total,
    });
  });

  for (const which of ['other.txt', 'big.bin']) {
    test(`an object already there with the same size but other bytes (${which}) stops staging; nothing is overwritten`, async () => {
      const big = bytes(MULTIPART_MAX_BYTES + 5, 4);
      const origin = makeModel({ 'same.txt': 'same', 'other.txt': 'mine', 'big.bin': big });
      const uri = await stageLocalOrigin(options(origin));
      const hex = uri.slice('gs://staging-bucket/'.length, -1);
      const stored = fake.objects.get(`staging-bucket/${hex}/${which}`)!;
      stored.data = Buffer.from(stored.data).fill(0x20, 0, 4);
      fake.requests.length = 0;
      await rejectsWithUserError(
        stageLocalOrigin(options(origin)),
        new RegExp(
          `^gs://staging-bucket/${hex}/${which.replace('.', '\\.')} already exists with other content than \\[.*/${which.replace('.', '\\.')}\\], and staged objects are never overwritten`,
        ),
      );
      assert.deepEqual(fake.uploads, [], 'nothing uploaded');
      assert.deepEqual(fake.objects.get(`staging-bucket/${hex}/${which}`)!.data, stored.data);
    });
  }

  test('the listing is read page by page', async () => {
    const files = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`f${i}.txt`, `file ${i}`]));
    const origin = makeModel(files);
    await stageLocalOrigin(options(origin));
    fake.requests.length = 0;
    fake.listPageSize = 3;
    const progress: StageProgress[] = [];
    await stageLocalOrigin(options(origin, { onProgress: (p) => progress.push(p) }));
    assert.deepEqual(
      fake.requests.map((r) => r.query.get('pageToken')),
      [null, '3', '6'],
    );
    assert.equal(progress.at(-1)!.filesSkipped, 7);
  });

  test('a listing refused (403) skips nothing; a missing bucket (404) is the upload error', async () => {
    const origin = makeModel({ 'a.txt': 'a', 'b.txt': 'b' });
    await stageLocalOrigin(options(origin));
    fake.listStatus = 403;
    fake.requests.length = 0;
    await stageLocalOrigin(options(origin));
    assert.equal(fake.uploads.length, 2);
    fake.listStatus = 404;
    fake.requests.length = 0;
    await rejectsWithUserError(stageLocalOrigin(options(origin)), 'Could not upload file: [staging-bucket] bucket does not exist.');
    assert.equal(fake.uploads.length, 0);
  });

  test('a chunk that fails half-way resumes from the offset the server reports', async () => {
    const chunk = 1024 * 1024;
    const big = bytes(MULTIPART_MAX_BYTES + 300_000, 11);
    const origin = makeModel({ 'model.bin': big });
    // The second PUT reaches the server only in part (100 000 bytes), then the connection "fails".
    fake.chunkBehaviour = (putNumber) => (putNumber === 1 ? { keepBytes: 100_000, status: 503 } : 'store');
    await stageLocalOrigin(options(origin, { chunkSize: chunk }));
    assert.equal(md5(fake.objects.get(`staging-bucket/${sha256(big)}/model.bin`)!.data), md5(big));
    const ranges = fake.uploads.filter((r) => r.method === 'PUT').map((r) => r.headers['content-range']);
    const total = big.length;
    assert.deepEqual(ranges.slice(0, 5), [
      `bytes 0-${chunk - 1}/${total}`,
      `bytes ${chunk}-${2 * chunk - 1}/${total}`,
      `bytes */${total}`, // where are we?
      `bytes ${chunk + 100_000}-${chunk + 100_000 + chunk - 1}/${total}`, // from there, not from the chunk start
      `bytes ${2 * chunk + 100_000}-${3 * chunk + 100_000 - 1}/${total}`,
    ]);
  });

  test('chunk sizes are whole multiples of 256 KiB', async () => {
    const big = bytes(MULTIPART_MAX_BYTES + 1, 12);
    const origin = makeModel({ 'model.bin': big });
    await stageLocalOrigin(options(origin, { chunkSize: 3 * 256 * 1024 + 1000 }));
    const first = fake.uploads.find((r) => r.method === 'PUT')!;
    assert.equal(first.headers['content-range'], `bytes 0-${3 * 256 * 1024 - 1}/${big.length}`);
  });

  test('the storage libraries are not loaded at all', () => {
    const script = `require('./src/upload/stage');
      const loaded = Object.keys(require.cache).filter((k) => /@google-cloud[\\\\/]storage|google-auth-library/.test(k));
      process.stdout.write(String(loaded.length));`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: path.join(__dirname, '..', '..') });
    assert.equal(out.toString(), '0');
  });
});

// ---- helpers ----------------------------------------------------------------------------------

async function waitFor(condition: () => boolean, timeoutMs = 5000, state = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met in time ${state()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function unusedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
