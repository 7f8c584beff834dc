// The embedded emulator's ml v1 API, request log, robustness and persistence, exercised in-process
// over real HTTP with fetch. Storage uploads are covered in emulator-storage.test.ts.

import { credentialFingerprint, redactRecorded } from '../../src/emulator/redact';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type RecordedRequest, type RunningEmulator } from '../../src/emulator';
import { parseAnswer, readAnswer, type MlAnswer, type StorageAnswer } from '../support/json';
import { tempDir } from '../support/temp';

interface Answer<T> {
  status: number;
  headers: Headers;
  body: T;
}

async function call<T = MlAnswer>(
  emu: RunningEmulator,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer<T>> {
  const res = await fetch(new URL(path, emu.url), {
    method,
    headers: body === undefined ? headers : { 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: parseAnswer<T>(text) };
}

/** A request to a regional endpoint (`REGION-ml.localhost`): fetch cannot set the Host header. */
function regionalCall<T = MlAnswer>(
  emu: RunningEmulator,
  region: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer<T>> {
  const url = new URL(path, emu.url);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: url.pathname + url.search,
        headers: { host: `${region}-ml.localhost:${url.port}`, ...(payload ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: new Headers(), body: parseAnswer<T>(text) }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** A custom-container version, valid on the us-central1 endpoint (an N1 machine, an image of the region). */
const containerVersion = (name: string) => ({
  name,
  machineType: 'n1-standard-2',
  container: { image: 'us-central1-docker.pkg.dev/p/r/i:1' },
});

async function uploadText(emu: RunningEmulator, bucket: string, name: string, text: string): Promise<void> {
  const res = await fetch(new URL(`/upload/storage/v1/b/${bucket}/o?uploadType=media&name=${encodeURIComponent(name)}`, emu.url), {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain' },
    body: text,
  });
  assert.equal(res.status, 200);
  await res.arrayBuffer();
}

async function waitForOperation(emu: RunningEmulator, name: string): Promise<MlAnswer> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
    const op = await call(emu, 'GET', `/v1/${name}?alt=json`);
    assert.equal(op.status, 200);
    if (op.body.done) return op.body;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`operation ${name} never finished`);
}

describe('emulator: ml v1 models', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({ operationDelayMs: 0, buckets: ['b', 'bkt'] });
  });
  after(() => emu.close());

  test('create, get, conflict, not found', async () => {
    const created = await call(emu, 'POST', '/v1/projects/p/models?alt=json', { name: 'm1', description: 'd', labels: { a: 'b' } });
    assert.equal(created.status, 200);
    assert.match(created.headers.get('content-type') ?? '', /^application\/json; charset=UTF-8$/);
    assert.equal(created.body.name, 'projects/p/models/m1');
    assert.equal(created.body.description, 'd');
    assert.deepEqual(created.body.labels, { a: 'b' });
    assert.deepEqual(created.body.regions, ['us-central1']);
    assert.equal(typeof created.body.etag, 'string');

    const got = await call(emu, 'GET', '/v1/projects/p/models/m1?alt=json');
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, created.body);

    const again = await call(emu, 'POST', '/v1/projects/p/models', { name: 'm1' });
    assert.equal(again.status, 409);
    assert.deepEqual(again.body, {
      error: { code: 409, message: 'Field: model.name Error: A model with the same name already exists.', status: 'ALREADY_EXISTS' },
    });

    const missing = await call(emu, 'GET', '/v1/projects/p/models/nope');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.status, 'NOT_FOUND');
    assert.equal(
      missing.body.error.message,
      'Field: name Error: The model resource: "nope" was not found. Please create the Cloud ML model resource first by using \'gcloud ml-engine models create nope\'.',
    );
    // Another project is another namespace.
    assert.equal((await call(emu, 'GET', '/v1/projects/other/models/m1')).status, 404);
  });

  test('list paginates', async () => {
    for (const name of ['pa', 'pb', 'pc']) assert.equal((await call(emu, 'POST', '/v1/projects/pages/models', { name })).status, 200);
    const first = await call(emu, 'GET', '/v1/projects/pages/models?pageSize=2');
    assert.deepEqual(
      first.body.models.map((m) => m.name),
      ['projects/pages/models/pa', 'projects/pages/models/pb'],
    );
    assert.ok(first.body.nextPageToken);
    const second = await call(emu, 'GET', `/v1/projects/pages/models?pageSize=2&pageToken=${first.body.nextPageToken}`);
    assert.deepEqual(
      second.body.models.map((m) => m.name),
      ['projects/pages/models/pc'],
    );
    assert.equal(second.body.nextPageToken, undefined);
    assert.deepEqual((await call(emu, 'GET', '/v1/projects/empty/models')).body, {});
    assert.equal((await call(emu, 'GET', '/v1/projects/pages/models?pageToken=garbage')).status, 400);
  });

  test('delete refuses a model with versions, then deletes it', async () => {
    await call(emu, 'POST', '/v1/projects/p/models', { name: 'doomed' });
    const op = await regionalCall(emu, 'us-central1', 'POST', '/v1/projects/p/models/doomed/versions', containerVersion('v1'));
    await waitForOperation(emu, op.body.name);
    const refused = await call(emu, 'DELETE', '/v1/projects/p/models/doomed');
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.status, 'FAILED_PRECONDITION');
    assert.equal((await call(emu, 'DELETE', '/v1/projects/p/models/doomed/versions/v1')).status, 200);
    const deleted = await call(emu, 'DELETE', '/v1/projects/p/models/doomed');
    assert.equal(deleted.status, 200);
    assert.equal(deleted.body.done, true);
    assert.equal(deleted.body.metadata.operationType, 'DELETE_MODEL');
    assert.equal((await call(emu, 'GET', '/v1/projects/p/models/doomed')).status, 404);
    assert.equal((await call(emu, 'GET', `/v1/${deleted.body.name}`)).body.done, true);
  });
});

describe('emulator: ml v1 versions and operations', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({ operationDelayMs: 50, buckets: ['b', 'bkt'] });
    await call(emu, 'POST', '/v1/projects/p/models', { name: 'm' });
  });
  after(() => emu.close());

  test('create on a missing model is 404', async () => {
    const res = await call(emu, 'POST', '/v1/projects/p/models/ghost/versions?alt=json', { name: 'v1', deploymentUri: 'gs://b/x/' });
    assert.equal(res.status, 404);
    assert.equal(res.body.error.status, 'NOT_FOUND');
    assert.match(res.body.error.message, /^Field: version\.name Error: The model resource: "ghost" was not found\. /);
  });

  test('create returns a CREATING operation that becomes READY', async () => {
    await uploadText(emu, 'bkt', 'models/one/saved_model.pb', 'model bytes');
    const body = { name: 'v1', deploymentUri: 'gs://bkt/models/one/', runtimeVersion: '2.11', labels: { k: 'v' } };
    const created = await call(emu, 'POST', '/v1/projects/p/models/m/versions?alt=json', body);
    assert.equal(created.status, 200);
    const op = created.body;
    assert.match(op.name, /^projects\/p\/operations\/create_m_v1-\d{13}$/);
    assert.equal(op.done, undefined);
    assert.equal(op.metadata['@type'], 'type.googleapis.com/google.cloud.ml.v1.OperationMetadata');
    assert.equal(op.metadata.operationType, 'CREATE_VERSION');
    assert.equal(op.metadata.modelName, 'projects/p/models/m');
    assert.match(op.metadata.createTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    const creating = op.metadata.version;
    assert.equal(creating.name, 'projects/p/models/m/versions/v1');
    assert.equal(creating.state, 'CREATING');
    assert.equal(creating.runtimeVersion, '2.11');
    assert.equal(creating.runtimeVersion, '2.11');
    assert.match(creating.etag, /^[A-Za-z0-9+/]+=*$/);

    const done = await waitForOperation(emu, op.name);
    assert.equal(done.error, undefined);
    assert.equal(done.response['@type'], 'type.googleapis.com/google.cloud.ml.v1.Version');
    assert.equal(done.response.state, 'READY');
    assert.equal(done.response.isDefault, true);
    assert.deepEqual(done.response.labels, { k: 'v' });
    assert.ok(done.metadata.endTime);

    const version = await call(emu, 'GET', '/v1/projects/p/models/m/versions/v1');
    assert.equal(version.body.state, 'READY');
    assert.equal(version.body.isDefault, true);
    const model = await call(emu, 'GET', '/v1/projects/p/models/m');
    assert.equal(model.body.defaultVersion.name, 'projects/p/models/m/versions/v1');

    const dup = await call(emu, 'POST', '/v1/projects/p/models/m/versions', body);
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.message, 'Field: version.name Error: A version with the same name already exists.');
  });

  test('FAILED when the deploymentUri holds no objects', async () => {
    const created = await call(emu, 'POST', '/v1/projects/p/models/m/versions', { name: 'empty', deploymentUri: 'gs://bkt/nothing/here/' });
    assert.equal(created.status, 200);
    const done = await waitForOperation(emu, created.body.name);
    assert.equal(done.response, undefined);
    assert.equal(done.error.code, 3);
    assert.match(
      done.error.message,
      /^Create Version failed\. Bad model detected with error: "Failed to load model: .*gs:\/\/bkt\/nothing\/here\/.*"$/,
    );
    const version = await call(emu, 'GET', '/v1/projects/p/models/m/versions/empty');
    assert.equal(version.body.state, 'FAILED');
    assert.equal(version.body.errorMessage, done.error.message);
    assert.equal(version.body.isDefault, undefined);

    const unknownBucket = await call(emu, 'POST', '/v1/projects/p/models/m/versions', {
      name: 'nobucket',
      deploymentUri: 'gs://never-seen/x/',
    });
    assert.equal((await waitForOperation(emu, unknownBucket.body.name)).error.code, 3);
  });

  test('a container version needs no deploymentUri; paths are percent-decoded', async () => {
    const created = await regionalCall(emu, 'us-central1', 'POST', '/v1/projects/p/models/m/versions', containerVersion('v1_2'));
    assert.equal(created.status, 200);
    const done = await waitForOperation(emu, created.body.name);
    assert.equal(done.response.state, 'READY');
    const got = await call(emu, 'GET', `/v1/projects/p/models/m/versions/${encodeURIComponent('v1_2')}`);
    assert.equal(got.body.name, 'projects/p/models/m/versions/v1_2');
  });

  test('create validates the body', async () => {
    const noSource = await call(emu, 'POST', '/v1/projects/p/models/m/versions', { name: 'nosource' });
    assert.equal(noSource.status, 400);
    assert.equal(noSource.body.error.status, 'INVALID_ARGUMENT');
    const noName = await call(emu, 'POST', '/v1/projects/p/models/m/versions', { deploymentUri: 'gs://bkt/models/one/' });
    assert.equal(noName.status, 400);
    const badJson = await call(emu, 'POST', '/v1/projects/p/models/m/versions', '{"name": ');
    assert.equal(badJson.status, 400);
    assert.match(badJson.body.error.message, /^Invalid JSON payload received\./);
    const array = await call(emu, 'POST', '/v1/projects/p/models/m/versions', '[1,2]');
    assert.equal(array.status, 400);
  });

  test('list, setDefault, delete rules', async () => {
    await call(emu, 'POST', '/v1/projects/p/models', { name: 'life' });
    for (const name of ['a', 'b', 'c']) {
      const op = await regionalCall(emu, 'us-central1', 'POST', '/v1/projects/p/models/life/versions', containerVersion(name));
      await waitForOperation(emu, op.body.name);
    }
    const page = await call(emu, 'GET', '/v1/projects/p/models/life/versions?pageSize=2');
    assert.deepEqual(
      page.body.versions.map((v) => v.name.split('/').pop()),
      ['a', 'b'],
    );
    const rest = await call(emu, 'GET', `/v1/projects/p/models/life/versions?pageSize=2&pageToken=${page.body.nextPageToken}`);
    assert.deepEqual(
      rest.body.versions.map((v) => v.name.split('/').pop()),
      ['c'],
    );
    assert.equal((await call(emu, 'GET', '/v1/projects/p/models/ghost/versions')).status, 404);

    const refused = await call(emu, 'DELETE', '/v1/projects/p/models/life/versions/a');
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.status, 'FAILED_PRECONDITION');

    const made = await call(emu, 'POST', '/v1/projects/p/models/life/versions/b:setDefault', {});
    assert.equal(made.status, 200);
    assert.equal(made.body.isDefault, true);
    assert.equal((await call(emu, 'GET', '/v1/projects/p/models/life/versions/a')).body.isDefault, undefined);

    const deleted = await call(emu, 'DELETE', '/v1/projects/p/models/life/versions/a');
    assert.equal(deleted.status, 200);
    assert.equal(deleted.body.done, true);
    assert.equal(deleted.body.metadata.operationType, 'DELETE_VERSION');
    assert.equal((await call(emu, 'GET', '/v1/projects/p/models/life/versions/a')).status, 404);
    assert.equal((await call(emu, 'POST', '/v1/projects/p/models/life/versions/zzz:setDefault', {})).status, 404);
  });

  test('operations: pending view, list and cancel', async () => {
    const slow = await startEmulator({ operationDelayMs: 60_000 });
    try {
      await call(slow, 'POST', '/v1/projects/ops/models', { name: 'm' });
      const op = await regionalCall(slow, 'us-central1', 'POST', '/v1/projects/ops/models/m/versions', containerVersion('v'));
      const pending = await call(slow, 'GET', `/v1/${op.body.name}`);
      assert.equal(pending.body.done, undefined, 'no done field while CREATING, like Google');
      assert.equal((await call(slow, 'GET', '/v1/projects/ops/models/m/versions/v')).body.state, 'CREATING');
      const refused = await call(slow, 'DELETE', '/v1/projects/ops/models/m/versions/v');
      assert.equal(refused.status, 400, 'a CREATING version cannot be deleted');
      const listed = await call(slow, 'GET', '/v1/projects/ops/operations');
      assert.deepEqual(
        listed.body.operations.map((o) => o.name),
        [op.body.name],
      );
      const cancelled = await call(slow, 'POST', `/v1/${op.body.name}:cancel`, {});
      assert.equal(cancelled.status, 200);
      assert.deepEqual(cancelled.body, {});
      const after = await call(slow, 'GET', `/v1/${op.body.name}`);
      assert.equal(after.body.done, true);
      assert.equal(after.body.error.code, 1);
      assert.equal((await call(slow, 'GET', '/v1/projects/ops/models/m/versions/v')).body.state, 'FAILED');
      assert.equal((await call(slow, 'GET', '/v1/projects/ops/operations/nope')).status, 404);
    } finally {
      await slow.close();
    }
  });
});

describe('emulator: request log and robustness', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({ operationDelayMs: 0, buckets: ['b', 'bkt'] });
  });
  after(() => emu.close());

  test('records requests in-process and over HTTP, Authorization included', async () => {
    emu.clearRequests();
    await call(emu, 'POST', '/v1/projects/p/models?alt=json', { name: 'logged' }, { Authorization: 'Bearer ya29.secret' });
    const [entry] = emu.requests();
    assert.equal(entry.method, 'POST');
    assert.equal(entry.path, '/v1/projects/p/models');
    assert.deepEqual(entry.query, { alt: ['json'] });
    assert.equal(entry.headers.authorization, 'Bearer ya29.secret');
    assert.equal(entry.host, `127.0.0.1:${emu.port}`);
    assert.deepEqual(entry.body, { name: 'logged' });
    assert.equal(entry.status, 200);

    // Over HTTP (any local process may ask) the token is a fingerprint, never the token.
    const overHttp = await call<RecordedRequest[]>(emu, 'GET', '/__emulator/requests');
    assert.ok(!JSON.stringify(overHttp.body).includes('ya29.secret'));
    assert.equal(overHttp.body[0].headers.authorization, credentialFingerprint('Bearer ya29.secret'));
    assert.match(overHttp.body[0].headers.authorization, /^Bearer <redacted sha256:[0-9a-f]{8}>$/);
    assert.deepEqual(overHttp.body, emu.requests().map(redactRecorded));
    assert.equal((await call(emu, 'DELETE', '/__emulator/requests')).status, 200);
    assert.deepEqual(emu.requests(), []);
  });

  test('unknown paths, bad encodings and bad bodies get Google-shaped errors', async () => {
    const unknown = await call(emu, 'GET', '/nothing/here');
    assert.equal(unknown.status, 404);
    assert.deepEqual(Object.keys(unknown.body.error).sort(), ['code', 'message', 'status']);
    assert.equal(unknown.body.error.status, 'NOT_FOUND');
    assert.equal((await call(emu, 'PATCH', '/v1/projects/p/models')).status, 404);
    assert.equal((await call(emu, 'GET', '/v1/projects/p/models/%E0%A4%A')).status, 400);
    assert.equal((await call(emu, 'POST', '/v1/projects/p/models', 'not json')).status, 400);
    const huge = await call(emu, 'POST', '/v1/projects/p/models', `{"name":"${'x'.repeat(11 * 1024 * 1024)}"}`);
    assert.equal(huge.status, 413);
    assert.equal((await call(emu, 'GET', '/v1/projects/p/models')).status, 200);
  });

  test('an unexpected failure inside a handler is a 500, and the server lives on', async () => {
    const dataDir = tempDir('emulator-broken-');
    const broken = await startEmulator({ dataDir, buckets: ['b'] });
    try {
      rmSync(join(dataDir, 'tmp'), { recursive: true }); // uploads can no longer be received
      const res = await fetch(new URL('/upload/storage/v1/b/b/o?uploadType=media&name=x', broken.url), { method: 'POST', body: 'x' });
      assert.equal(res.status, 500);
      const body = await readAnswer<StorageAnswer>(res);
      assert.equal(body.error.code, 500);
      assert.equal(body.error.status, 'INTERNAL');
      assert.equal((await call(broken, 'GET', '/v1/projects/p/models')).status, 200);
    } finally {
      await broken.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('a content type Node could not send back is refused, not fatal', async () => {
    const res = await fetch(new URL('/upload/storage/v1/b/b/o?uploadType=multipart&name=x', emu.url), {
      method: 'POST',
      headers: { 'Content-Type': 'multipart/related; boundary=z' },
      body: '--z\r\nContent-Type: application/json\r\n\r\n{"contentType":"text/plain\\r\\nX: y"}\r\n--z\r\n\r\nabc\r\n--z--',
    });
    assert.equal(res.status, 400);
    await res.arrayBuffer();
    assert.equal((await call(emu, 'GET', '/v1/projects/p/models')).status, 200);
  });

  test('malformed HTTP does not take the server down', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(emu.port, '127.0.0.1', () => socket.end('THIS IS NOT HTTP\r\n\r\n'));
      let data = '';
      socket.on('data', (d) => (data += d));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    assert.match(answer, /^HTTP\/1\.1 400/);
    assert.match(answer, /"status": ?"INVALID_ARGUMENT"/);
    const badChunk = await new Promise<string>((resolve, reject) => {
      const socket = connect(emu.port, '127.0.0.1', () =>
        socket.write('POST /v1/projects/p/models HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n'),
      );
      let data = '';
      socket.on('data', (d) => (data += d));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    assert.match(badChunk, /^HTTP\/1\.1 400/);
    assert.equal((await call(emu, 'GET', '/v1/projects/p/models')).status, 200);
  });

  test('accepts chunked bodies and keeps the connection alive; ignores Host for routing', async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: emu.port,
          method: 'POST',
          path: '/v1/projects/p/models',
          headers: { Host: `us-central1-ml.example:${emu.port}`, 'Content-Type': 'application/json' },
        },
        (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.write('{"name":');
      req.end('"chunky"}'); // no Content-Length: node sends Transfer-Encoding: chunked
    });
    assert.equal(answer.status, 200);
    assert.equal(JSON.parse(answer.body).name, 'projects/p/models/chunky');
    const entry = emu.requests().at(-1);
    assert.equal(entry?.headers['transfer-encoding'], 'chunked');
    assert.equal(entry?.host, `us-central1-ml.example:${emu.port}`);
  });
});

describe('emulator: options', () => {
  test('latencyMs delays every response', async () => {
    const emu = await startEmulator({ latencyMs: 120 });
    try {
      const started = Date.now();
      assert.equal((await call(emu, 'GET', '/v1/projects/p/models')).status, 200);
      assert.ok(Date.now() - started >= 110);
    } finally {
      await emu.close();
    }
  });

  test('dataDir: state, object bytes, version state and upload sessions survive a restart', async () => {
    const dataDir = tempDir('emulator-state-');
    try {
      const first = await startEmulator({ dataDir, operationDelayMs: 300, buckets: ['b', 'bkt'] });
      await call(first, 'POST', '/v1/projects/p/models', { name: 'kept' });
      await uploadText(first, 'bkt', 'kept/model.pb', 'persisted bytes');
      const ready = await call(first, 'POST', '/v1/projects/p/models/kept/versions', { name: 'ready', deploymentUri: 'gs://bkt/kept/' });
      await waitForOperation(first, ready.body.name);
      const pending = await call(first, 'POST', '/v1/projects/p/models/kept/versions', {
        name: 'pending',
        deploymentUri: 'gs://bkt/kept/',
      });
      // A resumable session with its first bytes in.
      const start = await fetch(new URL('/upload/storage/v1/b/bkt/o?uploadType=resumable&name=later.bin', first.url), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Upload-Content-Length': '10' },
        body: '{}',
      });
      const location = start.headers.get('location') ?? '';
      const firstHalf = await fetch(location, { method: 'PUT', headers: { 'Content-Range': 'bytes 0-4/10' }, body: '01234' });
      assert.equal(firstHalf.status, 308);
      await first.close();

      const second = await startEmulator({ dataDir, operationDelayMs: 300 });
      try {
        assert.equal(
          (await call(second, 'GET', '/v1/projects/p/models/kept')).body.defaultVersion.name,
          'projects/p/models/kept/versions/ready',
        );
        assert.equal((await call(second, 'GET', '/v1/projects/p/models/kept/versions/ready')).body.state, 'READY');
        assert.equal((await waitForOperation(second, pending.body.name)).response.state, 'READY');
        const media = await fetch(new URL('/storage/v1/b/bkt/o/kept%2Fmodel.pb?alt=media', second.url));
        assert.equal(await media.text(), 'persisted bytes');
        // The session continues on the new server (same path, new port).
        const resumed = new URL(location);
        resumed.port = String(second.port);
        const status = await fetch(resumed, { method: 'PUT', headers: { 'Content-Range': 'bytes */10' } });
        assert.equal(status.status, 308);
        assert.equal(status.headers.get('range'), 'bytes=0-4');
        const rest = await fetch(resumed, { method: 'PUT', headers: { 'Content-Range': 'bytes 5-9/10' }, body: '56789' });
        assert.equal(rest.status, 200);
        assert.equal((await rest.json()).size, '10');
        assert.equal(await (await fetch(new URL('/storage/v1/b/bkt/o/later.bin?alt=media', second.url))).text(), '0123456789');
        assert.equal((await call(second, 'GET', '/v1/projects/p/operations')).body.operations.length, 2);
      } finally {
        await second.close();
      }
      // A third start still sees everything, including what the second one changed.
      const third = await startEmulator({ dataDir });
      try {
        assert.equal((await call<StorageAnswer>(third, 'GET', '/storage/v1/b/bkt/o/later.bin')).body.size, '10');
        assert.equal((await call(third, 'GET', '/v1/projects/p/models/kept/versions/pending')).body.state, 'READY');
      } finally {
        await third.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('close() is idempotent and frees the port', async () => {
    const emu = await startEmulator();
    await Promise.all([emu.close(), emu.close()]);
    await assert.rejects(fetch(emu.url));
  });
});

test('the emulator refuses what the service documents as invalid (shared version schema)', async () => {
  const emu = await startEmulator({ port: 0, operationDelayMs: 0 });
  try {
    await fetch(`${emu.url}v1/projects/p/models`, {
      method: 'POST',
      body: JSON.stringify({ name: 'm' }),
      headers: { 'content-type': 'application/json' },
    });
    const res = await fetch(`${emu.url}v1/projects/p/models/m/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'v',
        deploymentUri: 'gs://b/x/',
        manualScaling: { nodes: 1 },
        autoScaling: { minNodes: 1 },
        someFutureField: 1,
      }),
    });
    assert.equal(res.status, 400);
    const body = await readAnswer<MlAnswer>(res);
    assert.equal(body.error.status, 'INVALID_ARGUMENT');
    assert.match(body.error.message, /Field: version\.someFutureField Error: unknown field of Version/);
    assert.match(body.error.message, /Field: version\.autoScaling Error: only one of manualScaling or autoScaling/);
  } finally {
    await emu.close();
  }
});
