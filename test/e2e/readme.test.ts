// The README's command blocks marked `<!-- readme-test: NAME -->`, run in bash as written: the
// install lines (a copy of this checkout, npm taking packages from its cache), the emulator lines,
// and the credential lines after them (with the real gcloud, skipped saying so where it is not
// installed). Only what cannot be the same on a test machine is replaced: the emulator's port and
// data directory (another test may hold 8089), and the checkout's path in the git URL.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { CLI, FIXTURES, gcloudAvailable, ROOT, runCommand, scratch } from '../support/cli';

const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const HAVE_GCLOUD = gcloudAvailable();
const HAVE_CURL = spawnSync('sh', ['-c', 'command -v curl']).status === 0;

/** The fenced block right after `<!-- readme-test: NAME -->`. */
function block(name: string): string {
  const m = new RegExp(`<!-- readme-test: ${name} -->\\n\`\`\`sh\\n([\\s\\S]*?)\\n\`\`\``).exec(README);
  assert.ok(m, `README has no block marked readme-test: ${name}`);
  return m[1];
}

/** A line ending in `&` starts a background job: stop it when the script ends. */
function stopBackgroundJobs(lines: string): string {
  return lines.replace(/^(.*&)$/gm, `$1\ntrap "kill $! 2>/dev/null; wait $! 2>/dev/null" EXIT`);
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A shell whose PATH has `gcloud-aip`, as after an install. */
function userEnv(): { dir: string; env: NodeJS.ProcessEnv } {
  const { dir, env } = scratch();
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'gcloud-aip'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, { mode: 0o755 });
  const clean: NodeJS.ProcessEnv = { ...env, PATH: `${bin}${path.delimiter}${env.PATH}` };
  // The README's user has no token file: credentials are what env-init says.
  delete clean.CLOUDSDK_AUTH_ACCESS_TOKEN_FILE;
  delete clean.CLOUDSDK_CORE_PROJECT;
  return { dir, env: clean };
}

describe('the README, line by line', () => {
  test('install: from a checkout, a tarball, npx from the tarball and from a git URL', async () => {
    const { dir, env } = scratch();
    // A checkout: this one's files (tracked, and new ones not ignored), committed in a repository of its own.
    const checkout = path.join(dir, 'gcloud-aip');
    fs.mkdirSync(checkout);
    const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT })
      .toString()
      .split('\0')
      .filter(Boolean);
    for (const file of files.filter((f) => fs.existsSync(path.join(ROOT, f)))) {
      fs.mkdirSync(path.dirname(path.join(checkout, file)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, file), path.join(checkout, file));
    }
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: checkout });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'checkout');
    const prefix = path.join(dir, 'prefix');
    // The machine's network setup reaches npm as it reaches a user's npm (a private CA, proxies).
    const network = Object.fromEntries(
      Object.entries(process.env).filter(([key]) =>
        /^(NODE_EXTRA_CA_CERTS|(https?|no)_proxy|npm_config_(registry|cafile|proxy|https_proxy|noproxy))$/i.test(key),
      ),
    );
    const npmEnv = {
      ...env,
      ...network,
      PATH: `${path.join(prefix, 'bin')}${path.delimiter}${env.PATH}`,
      // npm's own cache (the scratch HOME has none), preferred to the registry; a prefix of its own.
      npm_config_cache: execFileSync('npm', ['config', 'get', 'cache']).toString().trim(),
      npm_config_prefer_offline: 'true',
      npm_config_prefix: prefix,
      npm_config_audit: 'false',
      npm_config_fund: 'false',
    };
    const script = `set -eu\n${block('install').split('/path/to/gcloud-aip').join(checkout)}`;
    const r = await runCommand('bash', ['-c', script], npmEnv, checkout, 900_000);
    assert.equal(r.code, 0, r.stderr);
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    // node bin/…, the global install, npx of the tarball, npx of the git URL.
    assert.equal(r.stdout.match(new RegExp(`^gcloud-aip ${version.replace(/\./g, '\\.')}$`, 'gm'))?.length, 4, r.stdout);
    // The tarball declares no install script it does not ship (npm 11 warned of gcloud-aip's `prepare`);
    // npm ci in the checkout may still name esbuild's own postinstall, a build tool's.
    assert.doesNotMatch(r.stderr, /install-scripts +gcloud-aip@|prepare: node scripts/);
    assert.ok(fs.existsSync(path.join(checkout, `gcloud-aip-${version}.tgz`)));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the emulator lines, and the credential lines after them', async (t) => {
    const { dir, env } = userEnv();
    const port = await freePort();
    const dataDir = path.join(dir, 'aip-emulator');
    fs.cpSync(path.join(FIXTURES, 'models', 'tf-saved-model'), path.join(dir, 'model'), { recursive: true });
    const withCredentials = HAVE_GCLOUD && HAVE_CURL;
    if (!withCredentials) t.diagnostic(`credential lines skipped: ${HAVE_GCLOUD ? 'curl' : 'gcloud'} is not installed`);
    const lines = [block('emulator'), ...(withCredentials ? [block('emulator-credentials')] : [])].join('\n');
    const script = `set -eu\n${stopBackgroundJobs(lines.split('localhost:8089').join(`localhost:${port}`).split('/tmp/aip-emulator').join(dataDir))}`;
    const r = await runCommand('bash', ['-c', script], env, dir, 300_000);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^Created ai platform model \[projects\/my-project\/models\/iris\]\.$/m);
    assert.match(r.stderr, /^Using endpoint \[http:\/\/europe-west4-ml\.localhost:\d+\/\]$/m);
    assert.equal(r.stderr.match(/^Creating version \(this might take a few minutes\)\.+$/gm)?.length, 2, r.stderr);
    assert.doesNotMatch(r.stderr, /^ERROR:/m);
    if (!withCredentials) return;
    assert.match(r.stderr, /^Activated service account credentials for: \[deployer@my-project\.iam\.gserviceaccount\.com\]$/m);
    // The request log: before the key, no principal; the models list after it, the service account.
    const log = JSON.parse(r.stdout.slice(r.stdout.indexOf('['))) as { method: string; path: string; principal?: string }[];
    const list = log.filter((q) => q.method === 'GET' && q.path === '/v1/projects/my-project/models');
    assert.equal(list.at(-1)?.principal, 'deployer@my-project.iam.gserviceaccount.com');
    const creates = log.filter((q) => q.method === 'POST' && q.path.endsWith('/versions'));
    assert.deepEqual(
      creates.map((q) => q.principal),
      [undefined, undefined],
    );
  });
});
