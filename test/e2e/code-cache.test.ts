// The loader (scripts/cli-loader.cjs → dist/cli.js) runs the bundle through V8's code cache: measured
// to still save about a tenth of the start-up CPU and 2 MB after the bundle shrank, so it stays, and
// it must never be what breaks a run: a missing or foreign cache is rewritten, never fatal.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { runCommand } from '../support/cli';
import { tempDir } from '../support/temp';

const DIST = path.join(__dirname, '..', '..', 'dist');

function copyOfDist(): string {
  const dir = tempDir('gcloud-aip-cache-');
  for (const file of ['bundle.js', 'cli.js']) fs.copyFileSync(path.join(DIST, file), path.join(dir, file));
  return dir;
}

const run = (dir: string) =>
  runCommand(process.execPath, ['-e', `require(${JSON.stringify(path.join(dir, 'cli.js'))}).main(['--version'])`], process.env);

test('a missing cache is written by the first run; a foreign one is replaced; every run works', async () => {
  const dir = copyOfDist();
  const cache = path.join(dir, 'bundle.js.cache');
  try {
    const first = await run(dir);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /gcloud-aip/);
    assert.ok(fs.statSync(cache).size > 0, 'the first run writes the cache');

    const second = await run(dir);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, first.stdout);

    fs.writeFileSync(cache, 'not a code cache');
    const third = await run(dir);
    assert.equal(third.code, 0, third.stderr);
    assert.equal(third.stdout, first.stdout);
    assert.notEqual(fs.readFileSync(cache, 'utf8').slice(0, 16), 'not a code cache', 'a rejected cache is rewritten');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a --dry-run of a local origin leaves V8 flags alone (the staging tuning is for uploads), so it writes the cache', async () => {
  const dir = copyOfDist();
  const origin = path.join(dir, 'model');
  fs.mkdirSync(origin);
  fs.writeFileSync(path.join(origin, 'model.pkl'), 'weights');
  const argv = ['ai-platform', 'versions', 'create', 'v1', '--model=m', `--origin=${origin}`, '--staging-bucket=gs://bucket', '--dry-run'];
  const env = { ...process.env, CLOUDSDK_CORE_PROJECT: 'p', CLOUDSDK_CONFIG: path.join(dir, 'config') };
  try {
    const dryRun = await runCommand(
      process.execPath,
      ['-e', `require(${JSON.stringify(path.join(dir, 'cli.js'))}).main(${JSON.stringify(argv)})`],
      env,
    );
    assert.equal(dryRun.code, 0, dryRun.stderr);
    assert.match(dryRun.stdout + dryRun.stderr, /gs:\/\/bucket\/[0-9a-f]{64}\//);
    assert.ok(fs.statSync(path.join(dir, 'bundle.js.cache')).size > 0, 'a run whose V8 flags changed writes no cache');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
