// The README's emulator lines as a user types them (`start … &`, then at once `$(… env-init)`),
// buckets that exist only once created, and the start-up errors a user can fix.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { CLI, FIXTURES, gcloudAvailable, runCli, runCommand, scratch } from '../support/cli';

const HAVE_GCLOUD = gcloudAvailable();
/** A bash line creating model `iris` in the emulator env-init pointed at. */
const CREATE_MODEL = 'gcloud-aip ai-platform models create iris --regions=us-central1 2>/dev/null';

describe('the README emulator lines', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  before(() => {
    ({ dir, env } = scratch());
    // `gcloud-aip` on PATH, as after `npm install -g`.
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'gcloud-aip'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, { mode: 0o755 });
    env = { ...env, PATH: `${bin}${path.delimiter}${env.PATH}` };
    delete env.CLOUDSDK_AUTH_ACCESS_TOKEN_FILE;
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Runs `lines` in bash with the emulator started in the background first; stops it after. */
  async function withEmulator(startArgs: string, lines: string) {
    const dataDir = path.join(dir, `emulator-${Math.random().toString(36).slice(2)}`);
    const script = [
      `gcloud-aip emulators ai-platform start --host-port=localhost:0 --data-dir=${dataDir} --operation-delay=0 ${startArgs} 2>/dev/null &`,
      'emulator=$!',
      "trap 'kill $emulator; wait $emulator' EXIT",
      `$(gcloud-aip emulators ai-platform env-init --data-dir=${dataDir})`,
      lines,
    ].join('\n');
    const r = await runCommand('bash', ['-c', script], env, dir, 120_000);
    return { ...r, dataDir };
  }

  test('env-init right after start: points at the emulator (not Google), which has the --buckets bucket', async () => {
    const r = await withEmulator(
      '--buckets=my-staging',
      [
        'echo "ML=$CLOUDSDK_API_ENDPOINT_OVERRIDES_ML"',
        CREATE_MODEL,
        `gcloud-aip ai-platform versions create v1 --model=iris --origin=${path.join(FIXTURES, 'models', 'tf-saved-model')} --staging-bucket=gs://my-staging --format='value(state)'`,
        `gcloud-aip ai-platform versions create v2 --model=iris --origin=${path.join(FIXTURES, 'models', 'tf-saved-model')} --staging-bucket=gs://my-stagign`,
        'echo "typo exit $?"',
      ].join('\n'),
    );
    assert.match(r.stdout, /^ML=http:\/\/ml\.localhost:\d+\/$/m, r.stderr);
    assert.match(r.stdout, /^READY$/m, r.stderr);
    // The service's 404 for a bucket nobody created, in gcloud's words.
    assert.match(
      r.stderr,
      /^ERROR: \(gcloud\.ai-platform\.versions\.create\) Could not upload file: \[my-stagign\] bucket does not exist\.$/m,
    );
    assert.match(r.stdout, /^typo exit 1$/m);
    // Stopped cleanly: no address left behind for a later env-init to trust.
    assert.equal(fs.existsSync(path.join(r.dataDir, 'env.yaml')), false);
  });

  test('an env.yaml left by a killed emulator is not trusted', async () => {
    const dataDir = path.join(dir, 'stale');
    fs.mkdirSync(dataDir);
    const dead = await freePort();
    fs.writeFileSync(path.join(dataDir, 'env.yaml'), `CLOUDSDK_API_ENDPOINT_OVERRIDES_ML: http://127.0.0.1:${dead}/\n`);
    const script = [
      `gcloud-aip emulators ai-platform start --host-port=127.0.0.1:0 --data-dir=${dataDir} 2>/dev/null &`,
      'emulator=$!',
      "trap 'kill $emulator; wait $emulator' EXIT",
      `gcloud-aip emulators ai-platform env-init --data-dir=${dataDir}`,
    ].join('\n');
    const r = await runCommand('bash', ['-c', script], env, dir);
    assert.equal(r.code, 0, r.stderr);
    const url = /^export CLOUDSDK_API_ENDPOINT_OVERRIDES_ML=(.*)$/m.exec(r.stdout)?.[1];
    assert.ok(url && !url.includes(`:${dead}/`), r.stdout);
  });

  test('a port in use is one line and exit 1', async () => {
    const busy = net.createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => busy.once('listening', resolve));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      const r = await runCli(
        ['emulators', 'ai-platform', 'start', `--host-port=127.0.0.1:${port}`, `--data-dir=${path.join(dir, 'busy')}`],
        env,
      );
      assert.equal(r.code, 1);
      assert.equal(
        r.stderr,
        `ERROR: (gcloud.emulators.ai-platform.start) Unable to start the emulator on [127.0.0.1:${port}]: the address is already in use (another emulator? pick a free port with --host-port, or port 0).\n`,
      );
    } finally {
      busy.close();
    }
  });

  test('a bad --buckets name is an argument error', async () => {
    const r = await runCli(['emulators', 'ai-platform', 'start', '--buckets=ok-name,Bad_Name'], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^ERROR: \(gcloud\.emulators\.ai-platform\.start\) argument --buckets: Invalid bucket name \[Bad_Name\]: /);
  });

  test('the real gcloud renders the missing bucket the same way', { skip: HAVE_GCLOUD ? false : 'gcloud is not installed' }, async () => {
    const r = await withEmulator(
      '',
      [
        CREATE_MODEL,
        `gcloud ai-platform versions create v1 --model=iris --origin=${path.join(FIXTURES, 'models', 'tf-saved-model')} --staging-bucket=gs://nobody-made-it`,
        'echo "gcloud exit $?"',
      ].join('\n'),
    );
    assert.match(
      r.stderr,
      /^ERROR: \(gcloud\.ai-platform\.versions\.create\) Could not upload file: \[nobody-made-it\] bucket does not exist\.$/m,
    );
    assert.match(r.stdout, /^gcloud exit 1$/m);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
