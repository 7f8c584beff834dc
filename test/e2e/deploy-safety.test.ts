// End to end, the built CLI against the emulator, with its fault injection and a
// misbehaving proxy in front of it. A failed or unreadable create is never reported as success;
// another run's version is never adopted; odd bodies end in a clear error, never a crash.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { CLI, createModel, emulatorEnv, runCli, runCommand, scratch, TOKEN, type RunResult } from '../support/cli';
import { startMisbehavingProxy, type MisbehavingProxy } from '../support/misbehaving-proxy';
import { tempDir } from '../support/temp';

let emulator: RunningEmulator;
let proxy: MisbehavingProxy;
let env: NodeJS.ProcessEnv;
let direct: NodeJS.ProcessEnv;
const COMMAND = 'ERROR: (gcloud.ai-platform.versions.create)';
const CREATE_PATH = /^POST \/v1\/projects\/test-project\/models\/r17\/versions\?/;

before(async () => {
  emulator = await startEmulator({ port: 0, operationDelayMs: 0, buckets: ['r17-staging', 'r17-elsewhere'] });
  proxy = await startMisbehavingProxy(emulator.port);
  const base = { ...scratch().env, CLOUDSDK_AI_PLATFORM_REGION: 'global' };
  env = { ...base, ...emulatorEnv(proxy.port) };
  direct = { ...base, ...emulatorEnv(emulator.port) };
  await createModel(emulator.port, 'test-project', 'r17');
  // A model to deploy from (a version whose deploymentUri holds nothing fails).
  const upload = await fetch(`${emulator.url}upload/storage/v1/b/r17-elsewhere/o?uploadType=media&name=model/saved_model.pb`, {
    method: 'POST',
    body: 'model',
  });
  assert.equal(upload.status, 200);
});
after(async () => {
  await proxy.close();
  await emulator.close();
});
beforeEach(() => {
  proxy.rules.length = 0;
  proxy.applied.length = 0;
  emulator.setFaults(undefined);
  emulator.clearRequests();
});

const create = (id: string, ...extra: string[]) =>
  runCli(['ai-platform', 'versions', 'create', id, '--model=r17', '--origin=gs://r17-elsewhere/model/', ...extra], env);
/** A deploy of the local folder `dir`, staged in gs://r17-staging. */
const deployStaged = (id: string, dir: string, environment: NodeJS.ProcessEnv) =>
  runCli(['ai-platform', 'versions', 'create', id, '--model=r17', `--origin=${dir}`, '--staging-bucket=gs://r17-staging'], environment);
const json = (body: unknown): { status: number; headers: Record<string, string>; body: string } => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const noCrash = (r: RunResult) => assert.doesNotMatch(r.stderr, /Internal error|TypeError|\n\s+at /, r.stderr);

describe('a create answered with a finished or unreadable operation', () => {
  test('done with an error: exit 1 with the error, nothing on stdout', async () => {
    proxy.rules.push({
      match: CREATE_PATH,
      reply: json({
        name: 'projects/test-project/operations/create_r17_failed',
        done: true,
        error: { code: 3, message: 'Field: version.deployment_uri Error: nothing there.' },
      }),
    });
    for (const format of [[], ['--format=json']]) {
      const r = await create('v_done_error', ...format);
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stdout, '');
      assert.ok(r.stderr.endsWith(`${COMMAND} Field: version.deployment_uri Error: nothing there.\n`), r.stderr);
      assert.doesNotMatch(r.stderr, /Creating version/, 'a finished operation is not waited for (as in gcloud)');
    }
  });

  test('done with a response: printed without polling', async () => {
    proxy.rules.push({
      match: CREATE_PATH,
      reply: json({
        name: 'projects/test-project/operations/x',
        done: true,
        response: { name: 'projects/test-project/models/r17/versions/v-x', state: 'READY' },
      }),
    });
    const r = await create('v_done_ok', '--format=value(state)');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'READY\n');
    assert.equal(emulator.requests().filter((q) => q.path.includes('/operations/')).length, 0);
  });

  for (const [what, body] of [
    ['{}', '{}'],
    ['null', 'null'],
    ['an HTML page', '<html><body>Bad gateway</body></html>'],
    ['a truncated body', '{"name": "projects/test-project/oper'],
  ] as const) {
    test(`${what} (HTTP 200): the version may exist, and the command that checks`, async () => {
      // The request reaches the service: the version is created although the answer is unreadable.
      proxy.rules.push({ match: CREATE_PATH, rewrite: () => ({ status: 200, headers: { 'content-type': 'text/html' }, body }) });
      const id = `v_odd_${what.replace(/\W+/g, '')}`;
      const r = await create(id);
      assert.equal(r.code, 1, r.stderr);
      noCrash(r);
      assert.match(
        r.stderr,
        new RegExp(
          `${COMMAND.replace(/[.()]/g, '\\$&')} The server answered POST \\[projects/test-project/models/r17/versions\\] \\(HTTP 200\\) with .*, not an operation\\.\\n`,
        ),
      );
      assert.ok(
        r.stderr.endsWith(
          `The version may have been created all the same; check with:\n  $ gcloud ai-platform versions describe projects/test-project/models/r17/versions/${id} --model=r17\n`,
        ),
        r.stderr,
      );
    });
  }

  test('a poll answered with HTML is a failed poll, tried again at the next interval', async () => {
    proxy.rules.push({
      match: /^GET \/v1\/projects\/test-project\/operations\//,
      times: 1,
      reply: { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>login</html>' },
    });
    const r = await create('v_html_poll', '--verbosity=info', '--format=value(state)');
    noCrash(r);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'READY\n');
    assert.match(
      r.stderr,
      /INFO: Polling operation \S+ failed \(The server answered GET \[projects\/test-project\/operations\/\S+\] \(HTTP 200\) with a body that is not JSON \("<html>login<\/html>"\), not an operation\.\); polling again in 5s\./,
    );
  });

  test('a poll answered with a definite error: the wait stops, saying the operation goes on', async () => {
    proxy.rules.push({
      match: /^GET \/v1\/projects\/test-project\/operations\//,
      reply: { status: 403, body: JSON.stringify({ error: { code: 403, status: 'PERMISSION_DENIED', message: 'No.' } }) },
    });
    const r = await create('v_403_poll');
    noCrash(r);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /\nfailed\.\nERROR: \(gcloud\.ai-platform\.versions\.create\) PERMISSION_DENIED: No\. .*\nIt continues on the server; follow it with:\n {2}\$ gcloud ai-platform operations wait (\S+)\n$/,
    );
  });

  test('operations wait and describe: a finished failed operation and odd bodies are clear errors', async () => {
    proxy.rules.push({
      match: /operations\/op-failed\?/,
      reply: json({ name: 'projects/test-project/operations/op-failed', done: true, error: { message: 'It broke.' } }),
    });
    proxy.rules.push({ match: /operations\/op-null\?/, reply: { status: 200, body: 'null' } });
    proxy.rules.push({ match: /operations\/op-html\?/, reply: { status: 200, body: '<html></html>' } });
    const wait = await runCli(['ai-platform', 'operations', 'wait', 'op-failed'], env);
    assert.equal(wait.code, 1);
    assert.ok(wait.stderr.endsWith('\nERROR: (gcloud.ai-platform.operations.wait) It broke.\n'), wait.stderr);
    for (const command of ['wait', 'describe']) {
      for (const op of ['op-null', 'op-html']) {
        const r = await runCli(['ai-platform', 'operations', command, op], env);
        assert.equal(r.code, 1, r.stderr);
        noCrash(r);
        assert.match(
          r.stderr,
          new RegExp(
            `\\nERROR: \\(gcloud\\.ai-platform\\.operations\\.${command}\\) The server answered GET \\[projects/test-project/operations/${op}\\] \\(HTTP 200\\) with `,
          ),
        );
      }
    }
  });

  test('versions delete answered with a failed finished operation, or {}: exit 1, no crash', async () => {
    proxy.rules.push({
      match: /^DELETE .*\/versions\/v_del_failed\?/,
      reply: json({ name: 'projects/test-project/operations/d', done: true, error: { message: 'Cannot delete.' } }),
    });
    proxy.rules.push({ match: /^DELETE .*\/versions\/v_del_empty\?/, reply: json({}) });
    const failed = await runCli(['ai-platform', 'versions', 'delete', 'v_del_failed', '--model=r17'], env);
    assert.equal(failed.code, 1, failed.stderr);
    assert.ok(failed.stderr.endsWith('ERROR: (gcloud.ai-platform.versions.delete) Cannot delete.\n'), failed.stderr);
    const empty = await runCli(['ai-platform', 'versions', 'delete', 'v_del_empty', '--model=r17'], env);
    assert.equal(empty.code, 1, empty.stderr);
    noCrash(empty);
    assert.match(empty.stderr, /\(HTTP 200\) with an object without the fields of one, not an operation\.\n$/);
  });

  test('a list whose pages repeat their token stops with an error', async () => {
    proxy.rules.push({
      match: /^GET \/v1\/projects\/test-project\/models\?/,
      reply: json({ models: [{ name: 'projects/test-project/models/a' }], nextPageToken: 'again' }),
    });
    const r = await runCli(['ai-platform', 'models', 'list'], env);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /with a page token it had already given; the listing stops here\.\n$/);
    assert.equal(proxy.applied.length, 2);
  });
});

describe("never adopt another run's version", () => {
  test('two identical creates, the first POST answered 503: exactly one exits 0', async () => {
    // seed 2 sends Retry-After with the 503: the first run waits 4 s, the second creates meanwhile.
    emulator.setFaults('seed=2,503=1,retry-after=4,match=^POST .*/versions$,max=1');
    const args = [CLI, 'ai-platform', 'versions', 'create', 'v_race', '--model=r17', '--origin=gs://r17-elsewhere/model/'];
    const run = () =>
      new Promise<RunResult>((resolve) => {
        const child = spawn(process.execPath, args, { env: direct, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      });
    const first = run();
    while (!emulator.requests().some((q) => q.fault === '503')) await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await run();
    const firstResult = await first;
    assert.deepEqual([firstResult.code, second.code], [1, 0], `${firstResult.stderr}\n---\n${second.stderr}`);
    assert.match(firstResult.stderr, /ALREADY_EXISTS: Field: version.name Error: A version with the same name already exists.\n$/);
    assert.doesNotMatch(firstResult.stderr, /WARNING/);
    const posts = emulator.requests().filter((q) => q.method === 'POST' && q.path.endsWith('/versions'));
    assert.deepEqual(
      posts.map((p) => p.status),
      [503, 200, 409],
    );
  });
});

/** A model directory of its own (content-addressed staging would otherwise skip what earlier tests staged). */
function modelDir(files: Record<string, Buffer | string>): string {
  const dir = tempDir('gcloud-aip-r17-');
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}
const randomBytesOf = (size: number) => crypto.randomBytes(size);
const versionCreates = () => emulator.requests().filter((q) => q.method === 'POST' && /\/versions$/.test(q.path));

/** Runs a deploy; `during(stderr)` is called while it runs, until it returns true. */
function deployWhile(id: string, origin: string, during: () => boolean, extraEnv: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [CLI, 'ai-platform', 'versions', 'create', id, '--model=r17', `--origin=${origin}`, '--staging-bucket=gs://r17-staging'],
      {
        env: { ...direct, CLOUDSDK_STORAGE_UPLOAD_CHUNK_SIZE: String(256 * 1024), ...extraEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    let done = false;
    const timer = setInterval(() => {
      if (!done) done = during();
    }, 10);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

describe('a file that changes between the hash pass and the end of its upload fails the deploy', () => {
  const listingStarted = () => emulator.requests().some((q) => q.method === 'GET' && /^\/storage\/v1\/b\/r17-staging\/o$/.test(q.path));

  test('a small file overwritten (same size) after hashing: detected, named, nothing created', async () => {
    const dir = modelDir({ 'saved_model.pb': 'model v1', 'variables/vocab.txt': 'abc' });
    emulator.setFaults('slow=1,slow-ms=1500,match=^GET /storage/v1/b/r17-staging/o$');
    const r = await deployWhile('v_small_changed', dir, () => {
      if (!listingStarted()) return false;
      fs.writeFileSync(path.join(dir, 'saved_model.pb'), 'model v2');
      return true;
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `ERROR: \\(gcloud\\.ai-platform\\.versions\\.create\\) File \\[${dir}/saved_model\\.pb\\] changed while the model was being staged`,
      ),
    );
    assert.equal(versionCreates().length, 0);
  });

  test('a small file replaced by another after hashing: detected', async () => {
    const dir = modelDir({ 'saved_model.pb': 'model v1' });
    emulator.setFaults('slow=1,slow-ms=1500,match=^GET /storage/v1/b/r17-staging/o$');
    const r = await deployWhile('v_small_replaced', dir, () => {
      if (!listingStarted()) return false;
      fs.writeFileSync(path.join(dir, 'new.pb'), 'model v2 longer');
      fs.renameSync(path.join(dir, 'new.pb'), path.join(dir, 'saved_model.pb'));
      return true;
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /saved_model\.pb\] changed while the model was being staged/);
    assert.equal(versionCreates().length, 0);
  });

  test('part of a 20 MiB file overwritten mid-upload: detected, nothing created', async () => {
    const dir = modelDir({ 'saved_model.pb': 'm', 'variables/weights.bin': randomBytesOf(20 * 1024 * 1024) });
    emulator.setFaults('slow=1,slow-ms=200,match=^PUT /resumable/');
    const r = await deployWhile('v_big_changed', dir, () => {
      if (!emulator.requests().some((q) => q.method === 'PUT')) return false;
      const fd = fs.openSync(path.join(dir, 'variables/weights.bin'), 'r+');
      fs.writeSync(fd, Buffer.alloc(4096, 7), 0, 4096, 10 * 1024 * 1024); // a part not sent yet
      fs.closeSync(fd);
      return true;
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`File \\[${dir}/variables/weights\\.bin\\] changed while the model was being staged`));
    assert.equal(versionCreates().length, 0);
  });

  // Every file is checked by crc32c (small ones multipart, with it in the metadata; big ones
  // resumable): over 128 MiB of big files taken on the checksum worker, on the CPU's CRC32C
  // instruction, or without it (GCLOUD_AIP_NO_NATIVE_CRC32C stands for a platform @node-rs/crc32 has
  // no binary for) with the WebAssembly loop from its source text; fewer in the hash pass.
  const onWorker = 130 * 1024 * 1024;
  const wasm = { GCLOUD_AIP_NO_NATIVE_CRC32C: '1' };

  test('big files whose crc32c is computed on the worker deploy when the server agrees', async () => {
    const dir = modelDir({ 'saved_model.pb': randomBytesOf(onWorker) });
    const r = await deployStaged('v_crc_worker', dir, { ...env, ...wasm });
    assert.equal(r.code, 0, r.stderr);
  });

  for (const [kind, size, field, extraEnv] of [
    ['multipart', 1000, 'crc32c', {}],
    ['resumable', 6 * 1024 * 1024, 'crc32c', {}],
    ['resumable, over 128 MiB', onWorker + 1, 'crc32c', {}],
    ['resumable, checksum worker', onWorker, 'crc32c', wasm],
  ] as const) {
    test(`a server ${field} that is not that of the bytes sent (${kind}) fails the deploy`, async () => {
      const dir = modelDir({ 'saved_model.pb': randomBytesOf(size) });
      proxy.rules.push({
        match: kind === 'multipart' ? /^POST \/upload\/storage\/v1\/b\/r17-staging\/o\?uploadType=multipart/ : /^PUT \/resumable\/upload\//,
        rewrite: (answer) =>
          answer.status === 200
            ? { ...answer, body: answer.body.replace(new RegExp(`"${field}": "[^"]*"`), `"${field}": "AAAAAA=="`) }
            : answer,
      });
      const r = await deployStaged(`v_${field}_${size}`, dir, {
        ...env,
        CLOUDSDK_STORAGE_UPLOAD_CHUNK_SIZE: String(size > 8 * 1024 * 1024 ? 64 * 1024 * 1024 : 1024 * 1024),
        ...extraEnv,
      });
      assert.equal(r.code, 1, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(`Cloud storage upload failure\\. Uploaded file does not match local file: ${dir}/saved_model\\.pb\\. Please retry\\.`),
      );
      assert.ok(proxy.applied.length > 0);
      assert.equal(versionCreates().length, 0);
    });
  }
});

const stagedPrefix = async (dir: string) => {
  const r = await runCli(
    [
      'ai-platform',
      'versions',
      'create',
      'v_dry',
      '--model=r17',
      `--origin=${dir}`,
      '--staging-bucket=gs://r17-staging',
      '--dry-run',
      '--format=json',
    ],
    direct,
  );
  return /gs:\/\/r17-staging\/([0-9a-f]{64})\//.exec(r.stdout + r.stderr)![1];
};
/** Another writer's object (a media upload: no custom metadata). */
const putObject = (name: string, body: string) =>
  fetch(`${emulator.url}upload/storage/v1/b/r17-staging/o?uploadType=media&name=${encodeURIComponent(name)}`, { method: 'POST', body });
const objectUrl = (name: string) => `${emulator.url}storage/v1/b/r17-staging/o/${encodeURIComponent(name)}`;
const objectText = async (name: string) => (await fetch(`${objectUrl(name)}?alt=media`)).text();

describe('a staged object is never overwritten', () => {
  test('an object there with other content stops the deploy before any upload', async () => {
    const dir = modelDir({ 'saved_model.pb': 'mine', 'assets/a.txt': 'aaaa' });
    const prefix = await stagedPrefix(dir);
    assert.equal((await putObject(`${prefix}/assets/a.txt`, 'bbbb')).status, 200);
    emulator.clearRequests();
    const r = await deployStaged('v_conflict', dir, direct);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `gs://r17-staging/${prefix}/assets/a\\.txt already exists with other content than \\[${dir}/assets/a\\.txt\\], and staged objects are never overwritten`,
      ),
    );
    assert.equal(await objectText(`${prefix}/assets/a.txt`), 'bbbb');
    assert.equal(emulator.requests().filter((q) => q.path.startsWith('/upload/')).length, 0);
    assert.equal(versionCreates().length, 0);
  });

  test('one that appears after the listing is not overwritten either (ifGenerationMatch=0): ours is accepted, another is a conflict', async () => {
    const dir = modelDir({ 'saved_model.pb': 'mine too', 'b.txt': 'bbbb' });
    const prefix = await stagedPrefix(dir);
    await putObject(`${prefix}/saved_model.pb`, 'mine too'); // the same bytes
    await putObject(`${prefix}/b.txt`, 'BBBB'); // other bytes
    proxy.rules.push({
      match: /^GET \/storage\/v1\/b\/r17-staging\/o\?/,
      rewrite: (answer) => ({ ...answer, body: '{"kind": "storage#objects"}' }),
    });
    const r = await deployStaged('v_race_object', dir, env);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`gs://r17-staging/${prefix}/b\\.txt already exists with other content`));
    assert.equal(await objectText(`${prefix}/b.txt`), 'BBBB');
    const uploads = emulator.requests().filter((q) => q.path.startsWith('/upload/') && q.query.uploadType?.[0] !== 'media');
    assert.ok(
      uploads.every((q) => q.status === 412 && q.query.ifGenerationMatch?.[0] === '0'),
      JSON.stringify(uploads.map((q) => [q.status, q.query])),
    );
  });
});

describe('a torn object (its file changed mid-upload) is deleted, and one of ours left behind is replaced', () => {
  const sha256 = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');
  const deploy = (id: string, dir: string) => deployStaged(id, dir, direct);
  /** A deploy of `dir` during which part of weights.bin not sent yet is overwritten (so the object is torn). */
  const tearWhile = (id: string, dir: string, extraEnv: NodeJS.ProcessEnv = {}) => {
    emulator.setFaults('slow=1,slow-ms=200,match=^PUT /resumable/');
    return deployWhile(
      id,
      dir,
      () => {
        if (!emulator.requests().some((q) => q.method === 'PUT')) return false;
        const fd = fs.openSync(path.join(dir, 'weights.bin'), 'r+');
        fs.writeSync(fd, Buffer.alloc(4096, 7), 0, 4096, 10 * 1024 * 1024);
        fs.closeSync(fd);
        return true;
      },
      extraEnv,
    );
  };

  test('the torn object is deleted (that write only), and a re-run with the original bytes deploys', async () => {
    const original = randomBytesOf(20 * 1024 * 1024);
    const dir = modelDir({ 'saved_model.pb': 'm', 'weights.bin': original });
    const name = `${await stagedPrefix(dir)}/weights.bin`;
    emulator.clearRequests();
    const r = await tearWhile('v_torn_deleted', dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `weights\\.bin\\] changed while the model was being staged.* The object uploaded from it, gs://r17-staging/${name}, was deleted\\.`,
      ),
    );
    assert.equal((await fetch(objectUrl(name))).status, 404);
    const deletes = emulator.requests().filter((q) => q.method === 'DELETE' && !q.path.includes('/resumable/'));
    assert.equal(deletes.length, 1);
    assert.match(deletes[0].query.ifGenerationMatch?.[0] ?? '', /^\d+$/);
    assert.equal(deletes[0].status, 204);

    emulator.setFaults(undefined);
    fs.writeFileSync(path.join(dir, 'weights.bin'), original);
    const again = await deploy('v_torn_deleted', dir);
    assert.equal(again.code, 0, again.stderr);
    const stored = Buffer.from(await (await fetch(`${objectUrl(name)}?alt=media`)).arrayBuffer());
    assert.equal(sha256(stored), sha256(original));
  });

  test('a torn object whose deleting failed is said to stay, and a re-run replaces it (it is ours)', async () => {
    const original = randomBytesOf(20 * 1024 * 1024);
    const dir = modelDir({ 'saved_model.pb': 'm', 'weights.bin': original });
    const name = `${await stagedPrefix(dir)}/weights.bin`;
    proxy.rules.push({
      match: /^DELETE \/storage\/v1\//,
      reply: { status: 403, body: '{"error": {"code": 403, "message": "no delete permission"}}' },
    });
    const r = await tearWhile('v_torn_kept', dir, emulatorEnv(proxy.port));
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`gs://r17-staging/${name}, could not be deleted \\(403 no delete permission\\); a run with the same files replaces it\\.`),
    );
    const torn = (await (await fetch(objectUrl(name))).json()) as { generation: string; metadata?: Record<string, string> };
    assert.deepEqual(torn.metadata, { 'gcloud-aip': 'staged' });

    emulator.setFaults(undefined);
    emulator.clearRequests();
    fs.writeFileSync(path.join(dir, 'weights.bin'), original);
    const again = await deploy('v_torn_kept', dir);
    assert.equal(again.code, 0, again.stderr);
    const stored = Buffer.from(await (await fetch(`${objectUrl(name)}?alt=media`)).arrayBuffer());
    assert.equal(sha256(stored), sha256(original));
    const starts = emulator.requests().filter((q) => q.method === 'POST' && q.query.name?.[0] === name);
    assert.deepEqual(
      starts.map((q) => q.query.ifGenerationMatch?.[0]),
      [torn.generation],
    );
  });

  test("another writer's object with other bytes still stops the deploy, even where a torn one of ours would be replaced", async () => {
    const dir = modelDir({ 'saved_model.pb': 'mine', 'weights.bin': randomBytesOf(6 * 1024 * 1024) });
    const name = `${await stagedPrefix(dir)}/weights.bin`;
    assert.equal((await putObject(name, 'not the weights')).status, 200);
    const r = await deploy('v_torn_other', dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`gs://r17-staging/${name} already exists with other content`));
    assert.equal(await objectText(name), 'not the weights');
  });
});

test('a storage listing that repeats its page token stops with an error', async () => {
  const dir = modelDir({ 'saved_model.pb': 'loop' });
  proxy.rules.push({
    match: /^GET \/storage\/v1\/b\/r17-staging\/o\?/,
    reply: json({ kind: 'storage#objects', items: [], nextPageToken: 'same' }),
  });
  const r = await deployStaged('v_loop', dir, env);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /Listing gs:\/\/r17-staging\/[0-9a-f]{64}\/ failed: the server gave a page token it had already given/);
  assert.equal(proxy.applied.length, 2);
});

test('an upload failure says how many objects were left staged', async () => {
  const dir = modelDir(Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`f${i}.txt`, `file ${i}`])));
  proxy.rules.push({
    match: /^POST \/upload\/.*name=[0-9a-f]{64}%2Ff3\.txt/,
    delayMs: 1000,
    reply: { status: 403, body: JSON.stringify({ error: { code: 403, message: 'Access denied.' } }) },
  });
  const r = await deployStaged('v_left', dir, env);
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    /403 Could not upload file \[.*f3\.txt\] to \[r17-staging\/[0-9a-f]{64}\/f3\.txt\]: Access denied\. This command is authenticated with [^\n]*\n4 objects were uploaded to gs:\/\/r17-staging\/[0-9a-f]{64}\/ before staging stopped; they stay there, and a run with the same files skips them\.\n$/,
  );
});

describe('the emulator keeps secrets; closed pipes and bad hosts are quiet', () => {
  test('GET /__emulator/requests shows a fingerprint of the token, never the token', async () => {
    const r = await runCli(['ai-platform', 'models', 'describe', 'r17'], direct);
    assert.equal(r.code, 0, r.stderr);
    const text = await (await fetch(`${emulator.url}__emulator/requests`)).text();
    assert.ok(!text.includes(TOKEN), 'the token is not served');
    assert.match(text, /"authorization": "Bearer <redacted sha256:[0-9a-f]{8}>"/);
  });

  test('env-init | head -1 ends quietly (10 runs)', async () => {
    const dataDir = tempDir('gcloud-aip-r17-env-');
    // A running emulator's address (env-init checks that it answers), then enough lines that the
    // reader is gone before the last ones are written.
    const lines = Array.from({ length: 2000 }, (_, i) => `VAR_${i}: ${'x'.repeat(100)}\n`).join('');
    fs.writeFileSync(path.join(dataDir, 'env.yaml'), `CLOUDSDK_API_ENDPOINT_OVERRIDES_ML: ${emulator.url}\n${lines}`);
    for (let i = 0; i < 10; i++) {
      const r = await runCommand(
        'bash',
        ['-c', `set -o pipefail; node ${CLI} emulators ai-platform env-init --data-dir=${dataDir} | head -1`],
        direct,
      );
      assert.equal(r.stderr, '');
      assert.equal(r.stdout, `export CLOUDSDK_API_ENDPOINT_OVERRIDES_ML=${emulator.url}\n`);
    }
  });

  test("start --host-port='no such host:1' is a one-line user error", async () => {
    const r = await runCli(
      ['emulators', 'ai-platform', 'start', '--host-port=no such host:1', `--data-dir=${tempDir('gcloud-aip-r17-')}`],
      direct,
    );
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      'ERROR: (gcloud.emulators.ai-platform.start) Unable to start the emulator on [no such host:1]: the host name does not resolve.\n',
    );
  });
});

describe('names Cloud Storage refuses are refused before any upload', () => {
  const deploy = (id: string, dir: string) => deployStaged(id, dir, direct);
  const uploads = () => emulator.requests().filter((q) => q.path.startsWith('/upload/'));

  test('a line feed or carriage return in a name', async () => {
    for (const name of ['bad\nname.txt', 'bad\rname.txt']) {
      const dir = modelDir({ 'saved_model.pb': 'm', [name]: 'x' });
      const r = await deploy('v_crlf', dir);
      assert.equal(r.code, 1, r.stderr);
      assert.match(
        r.stderr,
        /Cannot stage \[.*bad\\[nr]name\.txt\]: Cloud Storage object names cannot contain carriage returns or line feeds\.\n$/,
      );
    }
    assert.equal(uploads().length, 0);
  });

  test('a name over 1024 bytes of UTF-8 with the staging prefix', async () => {
    const deep = `${'d'.repeat(200)}/${'é'.repeat(100)}/${'f'.repeat(200)}/${'g'.repeat(200)}/${'h'.repeat(180)}.txt`;
    const dir = modelDir({ 'saved_model.pb': 'm', [deep]: 'x' });
    const r = await deploy('v_long', dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /Cannot stage \[.*\.txt\]: its object name would be 1053 bytes of UTF-8, and Cloud Storage takes at most 1024\.\n$/,
    );
    assert.equal(uploads().length, 0);
  });

  test('a name that is not UTF-8 is named as such (not "No such file or directory")', async () => {
    const dir = modelDir({ 'saved_model.pb': 'm' });
    fs.writeFileSync(Buffer.concat([Buffer.from(`${dir}/caf`), Buffer.from([0xe9]), Buffer.from('.txt')]), 'latin-1 name');
    const r = await deploy('v_latin1', dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /Cannot stage \[.*\/caf\uFFFD\.txt\]: its name is not valid UTF-8 \(shown with U\+FFFD\), and Cloud Storage object names must be\. Rename the file\.\n$/,
    );
    assert.equal(uploads().length, 0);
  });

  test('a symlink to a file outside the origin is followed, with a warning naming link and target', async () => {
    const outside = modelDir({ 'weights.bin': 'outside bytes' });
    const dir = modelDir({ 'saved_model.pb': 'linked model' });
    fs.symlinkSync(path.join(outside, 'weights.bin'), path.join(dir, 'weights.bin'));
    const r = await deploy('v_link', dir);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(
      r.stderr.includes(
        `WARNING: [${dir}/weights.bin] is a symbolic link to [${fs.realpathSync(path.join(outside, 'weights.bin'))}], outside the origin directory; the file it points to is uploaded.\n`,
      ),
      r.stderr,
    );
  });

  test('the emulator refuses such names as Cloud Storage does', async () => {
    for (const name of ['a\nb', 'a\rb', 'x'.repeat(1025), '%FF.txt']) {
      const res = await fetch(
        `${emulator.url}upload/storage/v1/b/r17-staging/o?uploadType=media&name=${name.startsWith('%') ? name : encodeURIComponent(name)}`,
        { method: 'POST', body: 'x' },
      );
      assert.equal(res.status, 400, name);
    }
    const ok = await fetch(
      `${emulator.url}upload/storage/v1/b/r17-staging/o?uploadType=media&name=${encodeURIComponent('x'.repeat(1024))}`,
      { method: 'POST', body: 'x' },
    );
    assert.equal(ok.status, 200);
  });
});
