// Packaging as a user meets it: `npm pack` from a clean copy (no dist/: prepack builds it), then
// `npm install -g` of the tarball into an empty prefix, and the installed command runs — including
// the one library kept outside the bundle. scripts/pack-install.sh does it and measures; npm takes
// the dependencies from its cache when it has them (as after `npm ci`), else from the registry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, runCommand } from '../support/cli';

test('the packed tarball installs into a clean prefix and runs', async (t) => {
  const r = await runCommand('bash', [path.join(ROOT, 'scripts', 'pack-install.sh')], process.env, ROOT, 300_000);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const lines = r.stdout.trim().split('\n');
  const report = JSON.parse(lines[lines.length - 1]);
  t.diagnostic(lines.filter((l) => /^(packed|installed|runs):/.test(l)).join('; '));
  const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.equal(report.version, `gcloud-aip ${version}`);
  // Only what runs: the launcher, the bundle (+ its code cache, the spinner and undici's HTTP parser), README, CHANGELOG, the license.
  assert.deepEqual([...report.contents].sort(), [
    'package/CHANGELOG.md',
    'package/LICENSE',
    'package/README.md',
    'package/bin/gcloud-aip.js',
    'package/dist/bundle.js',
    'package/dist/bundle.js.cache',
    'package/dist/cli.js',
    'package/dist/emulator.js',
    'package/dist/llhttp-wasm.js',
    'package/dist/llhttp_simd-wasm.js',
    'package/package.json',
  ]);
  // google-auth-library loads from the install (its own message, not "Cannot find module").
  assert.equal(report.credentialsExit, 1);
  assert.match(report.credentials, /Failed to impersonate \[nobody@p\.iam\.gserviceaccount\.com\]/);
  assert.doesNotMatch(report.credentials, /Cannot find module/);
  assert.doesNotMatch(report.credentials, /Cannot find module|Internal error/);
  // The native crc32c installs beside it, found from the bundle's folder where the platform has a binary.
  const binaries = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64'];
  if (binaries.includes(`${process.platform}-${process.arch}`)) assert.equal(report.crc32c, 'native');
  // google-auth-library's tree and @node-rs/crc32 (with its binary) are all that is installed besides gcloud-aip (28 packages when measured).
  assert.ok(report.packages <= 30, `${report.packages} packages`);
});

test('an old Node gets one clear line', async () => {
  const fake = path.join(ROOT, 'fixtures', 'old-node.cjs');
  const r = await runCommand(process.execPath, ['--require', fake, path.join(ROOT, 'bin', 'gcloud-aip.js'), '--version'], process.env);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'ERROR: (gcloud) gcloud-aip needs Node.js 20 or later; this is Node.js v18.19.1.\n');
  assert.equal(r.stdout, '');
});
