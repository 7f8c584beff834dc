// End to end, the built CLI against a faulty emulator: a create whose answer is lost is not made
// twice and not reported falsely; a real conflict is reported as gcloud does; a poll that keeps
// failing is resumed; Ctrl-C (SIGINT) and SIGTERM stop the upload with nothing created, or stop
// the wait naming the operation that goes on.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { CLI, createModel, emulatorEnv, FIXTURES, runCli, scratch, TOKEN, type RunResult } from '../support/cli';
import { tempDir } from '../support/temp';

let emulator: RunningEmulator;
let env: NodeJS.ProcessEnv;
const MODEL_DIR = path.join(FIXTURES, 'models', 'tf-saved-model');
const COMMAND = 'ERROR: (gcloud.ai-platform.versions.create)';

before(async () => {
  emulator = await startEmulator({ port: 0, operationDelayMs: 0, buckets: ['rel-staging'] });
  env = { ...scratch().env, ...emulatorEnv(emulator.port), CLOUDSDK_AI_PLATFORM_REGION: 'global' };
  await createModel(emulator.port, 'test-project', 'rel');
});
after(() => emulator.close());
beforeEach(() => {
  emulator.setFaults(undefined);
  emulator.clearRequests();
});

async function versions(): Promise<{ name: string; state: string; deploymentUri?: string }[]> {
  emulator.setFaults(undefined);
  const res = await fetch(`http://127.0.0.1:${emulator.port}/v1/projects/test-project/models/rel/versions`);
  return ((await res.json()) as { versions?: [] }).versions ?? [];
}
const named = async (id: string) => (await versions()).filter((v) => v.name.endsWith(`/versions/${id}`));
const creates = () => emulator.requests().filter((r) => r.method === 'POST' && r.path.endsWith('/versions'));

const create = (id: string, ...extra: string[]) =>
  runCli(
    ['ai-platform', 'versions', 'create', id, '--model=rel', `--origin=${MODEL_DIR}`, '--staging-bucket=gs://rel-staging', ...extra],
    env,
  );

describe('safe create', () => {
  test('a create whose answer is lost is retried, answered ALREADY_EXISTS, and followed: one READY version', async () => {
    emulator.setFaults('lost=1,match=^POST .*/versions$,max=1');
    const r = await create('v_lost', '--format=value(state)');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'READY\n');
    assert.match(
      r.stderr,
      /WARNING: An attempt of this create request was sent and got no answer, so it may have created version \[projects\/test-project\/models\/rel\/versions\/v_lost\]; that version exists with exactly the settings sent/,
    );
    assert.deepEqual(
      creates().map((c) => [c.status, c.fault]),
      [
        [200, 'lost'],
        [409, undefined],
      ],
    );
    const found = await named('v_lost');
    assert.equal(found.length, 1);
    assert.equal(found[0].state, 'READY');
  });

  test('a conflict on the first attempt is a plain error, as gcloud reports it', async () => {
    assert.equal((await create('v_taken')).code, 0);
    emulator.clearRequests();
    const r = await create('v_taken');
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      new RegExp(`${escapeRegExp(COMMAND)} ALREADY_EXISTS: Field: version.name Error: A version with the same name already exists.\\n$`),
    );
    assert.equal(emulator.requests().filter((q) => q.method === 'GET' && q.path.includes('/versions/')).length, 0, 'no look-up');
  });

  test("a retried create that meets somebody else's version reports the conflict", async () => {
    assert.equal(
      (await runCli(['ai-platform', 'versions', 'create', 'v_other', '--model=rel', '--origin=gs://elsewhere/model/'], env)).code,
      1,
    );
    emulator.clearRequests();
    emulator.setFaults('503=1,retry-after=0,match=^POST .*/versions$,max=1');
    const r = await create('v_other');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ALREADY_EXISTS: Field: version.name Error: A version with the same name already exists.\n$/);
    assert.equal((await named('v_other'))[0].deploymentUri, 'gs://elsewhere/model/');
  });
});

test('polling resumes when the server cannot be reached for a while', async () => {
  // Five attempts of the first poll fail (the HTTP client gives up on it); the poll after is answered.
  emulator.setFaults('429=1,retry-after=0,match=^GET .*/operations/,max=7');
  const r = await create('v_poll', '--verbosity=info', '--format=value(state)');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'READY\n');
  assert.match(
    r.stderr,
    /INFO: Polling operation projects\/test-project\/operations\/\S+ failed \(RESOURCE_EXHAUSTED: Too many requests \(injected fault\)\.\); polling again in 5s\./,
  );
  assert.equal(emulator.faultCounts()?.['429'], 7);
});

test('retries and --log-http never print the access token', async () => {
  emulator.setFaults('429=1,retry-after=0,max=3,match=^POST /v1/');
  const r = await create('v_secret', '--log-http', '--verbosity=debug');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Retrying/);
  assert.ok(!r.stderr.includes(TOKEN) && !r.stdout.includes(TOKEN));
});

describe('interrupts', () => {
  /** Starts the CLI, waits until `ready()` holds, sends `signal`, and collects the result. */
  function interrupted(args: string[], ready: (stderr: string) => boolean, signal: NodeJS.Signals): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let sent = false;
      const check = () => {
        if (!sent && ready(stderr)) {
          sent = true;
          child.kill(signal);
        }
      };
      const poll = setInterval(check, 20);
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => {
        stderr += d;
        check();
      });
      child.on('error', reject);
      child.on('close', (code) => {
        clearInterval(poll);
        resolve({ code: code ?? -1, stdout, stderr });
      });
    });
  }
  const uploadStarted = () => emulator.requests().some((r) => r.path.startsWith('/upload/'));
  /** A model never staged before (files already in the bucket are not uploaded again). */
  function freshModelDir(): string {
    const dir = tempDir('gcloud-aip-int-');
    fs.cpSync(MODEL_DIR, dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'unique.txt'), dir);
    return dir;
  }

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    test(`${signal} during the upload: stops, creates nothing, exit 1`, async () => {
      emulator.setFaults('slow=1,slow-ms=60000,match=^(POST|PUT) /upload/');
      const r = await interrupted(
        [
          'ai-platform',
          'versions',
          'create',
          `v_int_${signal}`,
          '--model=rel',
          `--origin=${freshModelDir()}`,
          '--staging-bucket=gs://rel-staging',
        ],
        uploadStarted,
        signal,
      );
      assert.equal(r.code, 1, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(`${escapeRegExp(COMMAND)} Aborted by user: the upload was stopped and no version was created.\\n$`),
      );
      assert.equal(creates().length, 0);
      assert.deepEqual(await named(`v_int_${signal}`), []);
    });
  }

  test('SIGINT while the create is in flight: the POST is not cut off, and the answer names the operation', async () => {
    emulator.setFaults('slow=1,slow-ms=1500,match=^POST .*/versions$');
    const r = await interrupted(
      ['ai-platform', 'versions', 'create', 'v_int_post', '--model=rel', '--origin=gs://x/y/'],
      () => creates().length > 0,
      'SIGINT',
    );
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /Aborting wait for operation projects\/test-project\/operations\/\S+\.\nIt continues on the server/);
    assert.equal((await named('v_int_post')).length, 1, 'the version the user was told about exists');
  });

  test('SIGINT during the wait: the operation goes on; the line says how to follow it', async () => {
    const slow = await startEmulator({ port: 0, operationDelayMs: 600_000 });
    try {
      await createModel(slow.port, 'test-project', 'rel');
      const slowEnv = { ...env, ...emulatorEnv(slow.port) };
      const r = await new Promise<RunResult>((resolve) => {
        const child = spawn(process.execPath, [CLI, 'ai-platform', 'versions', 'create', 'v_wait', '--model=rel', '--origin=gs://x/y/'], {
          env: slowEnv,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (d) => {
          const before = stderr;
          stderr += d;
          if (stderr.includes('Creating version') && !before.includes('Creating version')) child.kill('SIGINT');
        });
        child.on('close', (code) => resolve({ code: code ?? -1, stdout: '', stderr }));
      });
      assert.equal(r.code, 1, r.stderr);
      const operation = /Aborting wait for operation (projects\/test-project\/operations\/\S+)\./.exec(r.stderr)?.[1];
      assert.ok(operation, r.stderr);
      assert.match(r.stderr, /\n\.*aborted by ctrl-c\.\n/);
      assert.ok(
        r.stderr.endsWith(
          `${COMMAND} Aborting wait for operation ${operation}.\nIt continues on the server; follow it with:\n  $ gcloud ai-platform operations wait ${operation}\n`,
        ),
        r.stderr,
      );
      const state = await (await fetch(`http://127.0.0.1:${slow.port}/v1/projects/test-project/models/rel/versions/v_wait`)).json();
      assert.equal((state as { state: string }).state, 'CREATING');
    } finally {
      await slow.close();
    }
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
