// Start-up: built-in modules that libraries or our own files import at the top, but that a command
// which neither stages files nor signs anything never uses, are loaded at their first use only
// (scripts/build.mjs: DEFERRED_REQUIRES, LAZY_BUILTINS). Each costs milliseconds of every run.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { CLI, createModel, emulatorEnv, runCommand, scratch } from '../support/cli';

let emulator: RunningEmulator;
before(async () => {
  emulator = await startEmulator({ port: 0, operationDelayMs: 0 });
  await createModel(emulator.port, 'test-project', 'm');
});
after(() => emulator.close());

test('a create from a gs:// origin loads neither crypto, http, http2 nor child_process', async () => {
  const { dir, env } = scratch();
  const recorder = path.join(dir, 'record-builtins.cjs');
  fs.writeFileSync(
    recorder,
    `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(path.join(dir, 'loaded.json'))}, JSON.stringify(process.moduleLoadList)));`,
  );
  const r = await runCommand(
    process.execPath,
    ['-r', recorder, CLI, 'ai-platform', 'versions', 'create', 'v1', '--model=m', '--region=global', '--origin=gs://b/model/', '--async'],
    { ...env, ...emulatorEnv(emulator.port) },
  );
  assert.equal(r.code, 0, r.stderr);
  const loaded = (JSON.parse(fs.readFileSync(path.join(dir, 'loaded.json'), 'utf8')) as string[]).filter((name) =>
    name.startsWith('NativeModule '),
  );
  assert.ok(loaded.includes('NativeModule net'), 'the record holds the modules this run loaded');
  for (const deferred of ['crypto', 'http', 'http2', 'child_process']) {
    assert.ok(!loaded.includes(`NativeModule ${deferred}`), `node:${deferred} was loaded`);
  }
});
