// `gcloud-aip emulators ai-platform start|env-init` as a user runs them: a real subprocess, then a
// deploy through the exported environment, then a restart on the same --data-dir with nothing lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI, createModel, runCli, scratch } from '../support/cli';

async function startEmulatorProcess(dataDir: string, env: NodeJS.ProcessEnv, extra: string[] = []): Promise<ChildProcess> {
  fs.rmSync(path.join(dataDir, 'env.yaml'), { force: true });
  const child = spawn(
    process.execPath,
    [CLI, 'emulators', 'ai-platform', 'start', '--host-port=127.0.0.1:0', `--data-dir=${dataDir}`, '--operation-delay=0', ...extra],
    { env, stdio: 'ignore' },
  );
  for (let i = 0; i < 100 && !fs.existsSync(path.join(dataDir, 'env.yaml')); i++) await new Promise((r) => setTimeout(r, 50));
  return child;
}

async function stop(child: ChildProcess) {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

test('start, env-init, deploy, restart: state survives', async () => {
  const { dir, env: base } = scratch();
  const dataDir = path.join(dir, 'emulator');
  // The bucket made at the first start is still there after the restart without the flag.
  let child = await startEmulatorProcess(dataDir, base, ['--buckets=stage']);
  try {
    const init = await runCli(['emulators', 'ai-platform', 'env-init', `--data-dir=${dataDir}`], base);
    assert.equal(init.code, 0, init.stderr);
    const exports = Object.fromEntries([...init.stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
    // `ml.localhost`: the global endpoint, and `REGION-ml.localhost` the regional ones.
    assert.match(exports.CLOUDSDK_API_ENDPOINT_OVERRIDES_ML, /^http:\/\/ml\.localhost:\d+\/$/);
    assert.equal(exports.CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE, `${exports.CLOUDSDK_API_ENDPOINT_OVERRIDES_ML}storage/v1/`);
    assert.equal(exports.CLOUDSDK_API_ENDPOINT_OVERRIDES_AIPLATFORM, exports.CLOUDSDK_API_ENDPOINT_OVERRIDES_ML);
    // The CLI refuses before any upload what the emulator would refuse.
    assert.equal(exports.GCLOUD_AIP_STRICT, 'true');
    const env = { ...base, ...exports };
    const port = Number(new URL(exports.CLOUDSDK_API_ENDPOINT_OVERRIDES_ML).port);
    await createModel(port, 'test-project', 'iris');
    const model = path.join(dir, 'model');
    fs.mkdirSync(model);
    fs.writeFileSync(path.join(model, 'model.pkl'), 'pickled');
    const refused = await runCli(
      ['ai-platform', 'versions', 'create', 'v-1', '--model=iris', `--origin=${model}`, '--staging-bucket=gs://stage'],
      env,
    );
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /^ERROR: \(gcloud\.ai-platform\.versions\.create\) name: A name should start with a letter .*\(from VERSION\)$/m,
    );
    assert.doesNotMatch(refused.stderr, /Staged|INVALID_ARGUMENT/);
    const deploy = await runCli(
      [
        'ai-platform',
        'versions',
        'create',
        'v1',
        '--model',
        'iris',
        '--origin',
        model,
        '--staging-bucket',
        'gs://stage',
        '--format',
        'value(state,deploymentUri)',
      ],
      env,
    );
    assert.equal(deploy.code, 0, deploy.stderr);
    const [state, uri] = deploy.stdout.trim().split('\t');
    assert.equal(state, 'READY');

    await stop(child);
    child = await startEmulatorProcess(dataDir, base);
    const again = await runCli(['emulators', 'ai-platform', 'env-init', `--data-dir=${dataDir}`], base);
    // Node's fetch resolves names with the system's resolver, which may not know `*.localhost`.
    const newBase = /CLOUDSDK_API_ENDPOINT_OVERRIDES_ML=(.*)/.exec(again.stdout)![1].replace('//ml.localhost:', '//127.0.0.1:');
    const version = (await (await fetch(`${newBase}v1/projects/test-project/models/iris/versions/v1`)).json()) as {
      state: string;
      deploymentUri: string;
    };
    assert.equal(version.state, 'READY');
    assert.equal(version.deploymentUri, uri);
    const object = `${uri.slice('gs://stage/'.length)}model.pkl`;
    const bytes = await (await fetch(`${newBase}storage/v1/b/stage/o/${encodeURIComponent(object)}?alt=media`)).text();
    assert.equal(bytes, 'pickled');
  } finally {
    await stop(child);
  }
});

test('compact keeps what versions use, drops the rest, and refuses while the emulator runs', async () => {
  const { dir, env: base } = scratch();
  const dataDir = path.join(dir, 'emulator');
  const child = await startEmulatorProcess(dataDir, base, ['--buckets=stage']);
  const model = (name: string, text: string) => {
    const folder = path.join(dir, name);
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'model.pkl'), text);
    return folder;
  };
  let env: NodeJS.ProcessEnv = base;
  try {
    const init = await runCli(['emulators', 'ai-platform', 'env-init', `--data-dir=${dataDir}`], base);
    env = { ...base, ...Object.fromEntries([...init.stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]])) };
    await createModel(Number(new URL(env.CLOUDSDK_API_ENDPOINT_OVERRIDES_ML!).port), 'test-project', 'iris');
    // Two deploys of different models, then the first version deleted: its staged folder stays behind.
    for (const [version, text] of [
      ['v1', 'first model'],
      ['v2', 'second model, a little longer'],
    ]) {
      const args = [
        'ai-platform',
        'versions',
        'create',
        version,
        '--model=iris',
        `--origin=${model(version, text)}`,
        '--staging-bucket=gs://stage',
      ];
      const deploy = await runCli(args, env);
      assert.equal(deploy.code, 0, deploy.stderr);
    }
    await runCli(['ai-platform', 'versions', 'set-default', 'v2', '--model=iris'], env);
    assert.equal((await runCli(['ai-platform', 'versions', 'delete', 'v1', '--model=iris', '--quiet'], env)).code, 0);
    const busy = await runCli(['emulators', 'ai-platform', 'compact', `--data-dir=${dataDir}`], base);
    assert.equal(busy.code, 1);
    assert.match(busy.stderr, /An emulator is running with the data directory \[.*\]: stop it first\.\n$/);
  } finally {
    await stop(child);
  }
  const objectFiles = () => fs.readdirSync(path.join(dataDir, 'objects')).length;
  assert.equal(objectFiles(), 2);
  const r = await runCli(['emulators', 'ai-platform', 'compact', `--data-dir=${dataDir}`], base);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /^Compacted \[.*\]: removed 1 objects that no version uses and 0 leftover files, freeing 0\.0 MiB; kept 1 objects\.\n$/,
  );
  assert.equal(objectFiles(), 1);
  // After a restart, what is left is v2's staged file.
  const again = await startEmulatorProcess(dataDir, base);
  try {
    const init = await runCli(['emulators', 'ai-platform', 'env-init', `--data-dir=${dataDir}`], base);
    env = { ...base, ...Object.fromEntries([...init.stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]])) };
    const listed = await runCli(['ai-platform', 'versions', 'list', '--model=iris', '--format=value(name,deploymentUri)'], env);
    const [name, uri] = listed.stdout.trim().split('\t');
    assert.equal(name, 'v2', listed.stderr);
    const port = new URL(env.CLOUDSDK_API_ENDPOINT_OVERRIDES_ML!).port;
    const objects = (await (await fetch(`http://127.0.0.1:${port}/storage/v1/b/stage/o`)).json()) as { items: { name: string }[] };
    assert.deepEqual(
      objects.items.map((o) => `gs://stage/${o.name}`),
      [`${uri}model.pkl`],
    );
  } finally {
    await stop(again);
  }
});
