// The native crc32c (@node-rs/crc32) is an optional dependency required from node_modules at the
// first checksum, outside the bundle: an installed CLI without it (a platform it has no binary for,
// or an install that skipped it) stages big files through the WebAssembly loop and still checks
// every object's crc32c. Here: the built CLI copied where no node_modules can be found.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { crc32c, crc32cBase64 } from '../../src/checksum/crc32c';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { createBucket, createModel, emulatorEnv, ROOT, runCommand, scratch } from '../support/cli';

let emulator: RunningEmulator;
let dir: string;
let env: NodeJS.ProcessEnv;

before(async () => {
  emulator = await startEmulator({ port: 0, operationDelayMs: 0 });
  ({ dir, env } = scratch());
  env = { ...env, ...emulatorEnv(emulator.port), CLOUDSDK_AI_PLATFORM_REGION: 'global' };
  await createModel(emulator.port, 'test-project', 'm1');
  await createBucket(emulator.port, 'test-project', 'staging');
});
after(async () => {
  await emulator?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a CLI installed without @node-rs/crc32 stages big files, checked by crc32c', async () => {
  // Over 128 MiB of big files: the CLI asks for the native crc32c, and falls back to the worker.
  const app = path.join(dir, 'app');
  for (const part of ['bin', 'dist']) fs.cpSync(path.join(ROOT, part), path.join(app, part), { recursive: true });
  const cli = path.join(app, 'bin', 'gcloud-aip.js');
  const missing = await runCommand(process.execPath, ['-e', "require.resolve('@node-rs/crc32')"], env, path.join(app, 'dist'));
  assert.notEqual(missing.code, 0, 'the copy must not find @node-rs/crc32');

  const model = path.join(dir, 'model');
  const weights = randomBytes(128 * 1024 * 1024 + 3);
  fs.mkdirSync(model);
  fs.writeFileSync(path.join(model, 'weights.bin'), weights);
  fs.writeFileSync(path.join(model, 'saved_model.pb'), 'graph');
  const r = await runCommand(
    process.execPath,
    [cli, 'ai-platform', 'versions', 'create', 'v1', '--model=m1', `--origin=${model}`, '--staging-bucket=gs://staging', '--async'],
    env,
    dir,
    120_000,
  );
  assert.equal(r.code, 0, r.stderr);
  const listed = (await (await fetch(`${emulator.url}storage/v1/b/staging/o`)).json()) as { items: { name: string; crc32c: string }[] };
  const staged = listed.items.find((item) => item.name.endsWith('/weights.bin'));
  assert.equal(staged?.crc32c, crc32cBase64(crc32c(weights)));
});
